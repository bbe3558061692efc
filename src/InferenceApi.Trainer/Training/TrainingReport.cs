using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;

namespace InferenceApi.Trainer.Training;

/// <summary>Everything a <c>train</c> run did, for the final line, the metrics file and trainer.json.</summary>
public sealed record TrainingReport(string Task, DataSummary Data, TrainingSettings Settings, MetricGoal Goal, TrainingOutcome Outcome)
{
    /// <summary>The checkpoint folder written (full path), when <c>--out</c> was given.</summary>
    public string? Checkpoint { get; init; }

    public ExportReport? Export { get; init; }
}
