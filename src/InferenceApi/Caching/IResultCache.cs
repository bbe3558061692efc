namespace InferenceApi.Caching;

/// <summary>
/// Cache of deterministic inference results (classification, embeddings, seeded greedy generation),
/// keyed by the caller with model version + normalised input. Never fails a request because of the
/// cache: an unavailable Redis makes lookups misses, not errors.
/// </summary>
public interface IResultCache
{
    /// <summary>What this replica knows of the shared tier: not configured, connected or unavailable (and why, since when).</summary>
    DistributedCacheStatus DistributedStatus { get; }

    /// <summary>
    /// Looks <paramref name="key"/> up in memory, then in Redis (bounded by <see cref="CacheOptions.RedisOperationTimeout"/>).
    /// A Redis hit is copied into memory. Throws only when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    ValueTask<CacheLookup> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="value"/> (copied) in memory at once and writes it to Redis in the background.
    /// Never blocks on Redis and never throws because of it.
    /// </summary>
    void Set(string key, ReadOnlyMemory<byte> value);
}
