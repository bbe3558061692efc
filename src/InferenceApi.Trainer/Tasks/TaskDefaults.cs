namespace InferenceApi.Trainer.Tasks;

/// <summary>A task's defaults for the common training options (shown in its <c>--help</c>).</summary>
public sealed record TaskDefaults(int Epochs, int BatchSize, double LearningRate, double ValidationSplit);
