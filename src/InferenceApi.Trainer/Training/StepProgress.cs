namespace InferenceApi.Trainer.Training;

/// <summary>Where a run is after a step.</summary>
/// <param name="Step">Steps done in all, across epochs.</param>
/// <param name="EpochLoss">Mean loss of this epoch's steps so far.</param>
/// <param name="Remaining">Estimated time left (steps left at the mean step time, capped by the time limit).</param>
public sealed record StepProgress(
    int Epoch,
    int Epochs,
    int Step,
    int TotalSteps,
    double EpochLoss,
    double ExamplesPerSecond,
    TimeSpan Remaining,
    TimeSpan Elapsed);
