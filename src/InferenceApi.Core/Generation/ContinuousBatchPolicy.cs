namespace InferenceApi.Core.Generation;

/// <summary>
/// Whether a waiting sequence may join the running batch before the next step. Pure: unit-tested without threads.
/// A sequence is admitted while the batch has room in count and in reserved tokens; the first waiting sequence
/// is always admitted into an empty batch (even alone over the budget), so nothing waits forever.
/// </summary>
public sealed class ContinuousBatchPolicy(ContinuousBatchLimits limits)
{
    public ContinuousBatchLimits Limits { get; } = limits;

    public bool CanAdmit(int running, int reservedTokens, int candidateTokens) =>
        running == 0 || (running < Limits.MaxRunning && reservedTokens + candidateTokens <= Limits.MaxBatchTokens);
}
