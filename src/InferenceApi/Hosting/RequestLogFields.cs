using InferenceApi.Serving;

namespace InferenceApi.Hosting;

/// <summary>
/// What the endpoints learn about a request that its log line and metric report: the model version that took it and,
/// when inputs ran or came from the cache, the run's figures. A request feature, set by
/// <see cref="RequestTelemetryMiddleware"/> and filled by <c>InferenceTelemetry</c>.
/// </summary>
public sealed class RequestLogFields
{
    public string? Model { get; set; }

    /// <summary>The API key's name (never the key), once access control has recognised it.</summary>
    public string? ApiKey { get; set; }

    public long? ModelVersion { get; set; }

    public RunReport? Run { get; set; }

    /// <summary>The fields beyond the line's template, for a logging scope (JSON output shows them as properties).</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Scope()
    {
        var fields = new List<KeyValuePair<string, object?>>(7) { new("ModelVersion", ModelVersion) };
        if (ApiKey is not null)
        {
            fields.Add(new("ApiKey", ApiKey));
        }

        if (Run is { } run)
        {
            fields.Add(new("Inputs", run.Inputs));
            fields.Add(new("CacheHits", run.CacheHits));
            fields.Add(new("QueueMs", run.QueueTime?.TotalMilliseconds));
            fields.Add(new("ComputeMs", run.ComputeTime?.TotalMilliseconds));
            fields.Add(new("BatchSize", run.LargestBatch));
        }

        return fields;
    }
}
