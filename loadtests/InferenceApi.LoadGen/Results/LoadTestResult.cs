namespace InferenceApi.LoadGen.Results;

/// <summary>The results file (results.json). The schema is documented in loadtests/README.md; bump <see cref="Schema"/> on breaking changes.</summary>
public sealed record LoadTestResult(
    string Schema,
    DateTimeOffset StartedAt,
    RunConfig Config,
    RunSummary Summary,
    IReadOnlyDictionary<string, long> StatusCodes,
    IReadOnlyDictionary<string, long> ErrorKinds,
    long WarmupRequests,
    IReadOnlyList<TimeWindow> Windows)
{
    public const string CurrentSchema = "inferenceapi-loadgen/1";

    /// <summary>Measured answers by the server's X-Cache header (hit, miss, partial); answers without one are not counted.</summary>
    public IReadOnlyDictionary<string, long> Cache { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);
}
