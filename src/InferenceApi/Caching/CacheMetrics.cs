using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace InferenceApi.Caching;

/// <summary>
/// Result-cache counters on the project's "InferenceApi" meter:
/// <c>inference_cache_hits_total{tier="memory|redis"}</c> and <c>inference_cache_misses_total</c>.
/// The hit rate per tier tells whether Redis earns its round trip.
/// </summary>
public sealed class CacheMetrics
{
    /// <summary>The name of the project's meter.</summary>
    public const string MeterName = "InferenceApi";

    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;

    public CacheMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        // The factory hands every caller asking for "InferenceApi" the same Meter and disposes it with the container.
        var meter = meterFactory.Create(MeterName);
        _hits = meter.CreateCounter<long>("inference_cache_hits_total", unit: "{lookup}",
            description: "Result-cache lookups answered from a cache tier (tag tier: memory or redis).");
        _misses = meter.CreateCounter<long>("inference_cache_misses_total", unit: "{lookup}",
            description: "Result-cache lookups that no tier answered; the result was computed.");
    }

    public void Hit(CacheTier tier)
    {
        var tierName = tier == CacheTier.Redis ? "redis" : "memory";
        _hits.Add(1, new TagList { { "tier", tierName } });
    }

    public void Miss() => _misses.Add(1);
}
