namespace InferenceApi.Trainer.Data;

/// <summary>What a run trained and evaluated on, for the metrics file and trainer.json.</summary>
/// <param name="Examples">Examples read from <paramref name="Path"/> (after <c>--max-examples</c>), before the validation split.</param>
public sealed record DataSummary(
    string Path,
    string Format,
    int Examples,
    int TrainExamples,
    int ValidationExamples,
    string? EvalPath,
    int? EvalExamples,
    IReadOnlyList<string>? Labels);
