namespace InferenceApi.Trainer.Training;

/// <summary>One epoch (or the part of one run before a step or time limit stopped it).</summary>
/// <param name="TrainLoss">Mean loss over the epoch's steps, with the weights as they were at each step.</param>
/// <param name="Validation">On the validation split carved from the training data; null without one.</param>
/// <param name="Eval">On the <c>--eval</c> file; null without one.</param>
public sealed record EpochReport(
    int Epoch,
    int Steps,
    int Examples,
    double TrainLoss,
    Evaluation? Validation,
    Evaluation? Eval,
    double ExamplesPerSecond,
    TimeSpan Elapsed)
{
    /// <summary>True when this epoch beat every earlier one on the selection metric (so its weights were snapshotted); never set with <see cref="CheckpointSelection.Last"/>.</summary>
    public bool IsBest { get; init; }
}
