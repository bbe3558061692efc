namespace InferenceApi.Trainer.Training;

/// <summary>What the loop did: every epoch, which one was kept and why it stopped.</summary>
public sealed record TrainingOutcome(
    IReadOnlyList<EpochReport> Epochs,
    int Steps,
    long Examples,
    StopReason StopReason,
    TimeSpan TrainingTime,
    TimeSpan Elapsed)
{
    /// <summary>The epoch whose weights the model holds now (the best on the selection metric, or the last).</summary>
    public required EpochReport Kept { get; init; }
}
