namespace InferenceApi.Trainer.Training;

/// <summary>What a run expects to do, for progress bars: <see cref="TotalSteps"/> is an upper bound (early stopping and time limits end sooner).</summary>
public sealed record TrainingPlan(int Epochs, int StepsPerEpoch, int TotalSteps, int TrainingExamples, int BatchSize);
