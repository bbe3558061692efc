namespace InferenceApi.Core.Generation;

/// <summary>What <see cref="StopSequenceMatcher.Push"/> lets through after one text piece.</summary>
/// <param name="Text">Text safe to send now; on a stop, everything before the stop sequence not yet sent.</param>
/// <param name="StopSequence">The stop sequence that completed, or <c>null</c> while generation goes on.</param>
public readonly record struct StopSequenceResult(string Text, string? StopSequence)
{
    /// <summary>A stop sequence completed: end the generation with <see cref="FinishReason.StopSequence"/>.</summary>
    public bool Stopped => StopSequence is not null;
}
