namespace InferenceApi.Core.Scheduling;

/// <summary>What the batch policy needs to know about a waiting request.</summary>
public interface IBatchCandidate : IQueuedRequest
{
    /// <summary>The sequence length it adds to a batch.</summary>
    int Tokens { get; }
}
