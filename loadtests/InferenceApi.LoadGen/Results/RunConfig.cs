namespace InferenceApi.LoadGen.Results;

/// <summary>What was asked for: enough to rerun it and to tell whether two result files are comparable.</summary>
public sealed record RunConfig(
    string Url,
    string Scenario,
    string? Model,
    string Mode,
    string Profile,
    double DurationSeconds,
    double WarmupSeconds)
{
    /// <summary>Every request carried Cache-Control: no-cache, so the server ran the model for each.</summary>
    public bool NoCache { get; init; }
}
