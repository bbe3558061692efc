namespace InferenceApi.Trainer.Training;

/// <summary>Why training ended; written to the metrics file as kebab-case text.</summary>
public enum StopReason
{
    Completed,
    MaxSteps,
    TimeLimit,
    EarlyStopping,
}
