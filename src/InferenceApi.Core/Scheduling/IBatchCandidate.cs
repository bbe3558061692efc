namespace InferenceApi.Core.Scheduling;

/// <summary>What the batch policy needs to know about a waiting request.</summary>
public interface IBatchCandidate : IQueuedRequest
{
    /// <summary>The sequence length it adds to a batch.</summary>
    int Tokens { get; }

    /// <summary>
    /// Only candidates with equal keys share a batch: raw tensors whose dimensions past the first differ cannot be
    /// stacked into one. Null (the default) for inputs that pad to a common length.
    /// </summary>
    string? BatchKey => null;
}
