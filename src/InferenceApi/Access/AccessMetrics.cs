using System.Diagnostics.Metrics;
using InferenceApi.Core.Diagnostics;

namespace InferenceApi.Access;

/// <summary>
/// Per-key instruments on the server's meter (exported to Prometheus with the others): requests admitted, tokens charged
/// on the generation routes, and refusals (401, 403, 429) with their reason. Keys appear by name only; a 401 has no key,
/// so it is counted under <see cref="NoKey"/>.
/// </summary>
public sealed class AccessMetrics
{
    public const string NoKey = "none";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _denied;

    public AccessMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(InferenceMetrics.MeterName);
        _requests = meter.CreateCounter<long>("inference_key_requests", description: "Requests admitted past access control, by API key name.");
        _tokens = meter.CreateCounter<long>("inference_key_tokens", description: "Prompt plus generated tokens charged to an API key on the generation routes.");
        _denied = meter.CreateCounter<long>("inference_key_denied", description: "Requests refused by access control, by API key name (none for 401), status and reason.");
    }

    public void Admitted(ApiCaller caller) => _requests.Add(1, new KeyValuePair<string, object?>("key", caller.Name));

    public void Tokens(ApiCaller caller, long tokens)
    {
        if (tokens > 0)
        {
            _tokens.Add(tokens, new KeyValuePair<string, object?>("key", caller.Name));
        }
    }

    public void Denied(string key, int status, string reason) =>
        _denied.Add(1, new("key", key), new("status", status), new("reason", reason));
}
