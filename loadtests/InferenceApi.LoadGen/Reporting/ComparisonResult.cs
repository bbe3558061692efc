namespace InferenceApi.LoadGen.Reporting;

/// <summary>The verdict of `compare`: passed or not, and one line per figure saying why.</summary>
public sealed record ComparisonResult(bool Passed, IReadOnlyList<string> Lines);
