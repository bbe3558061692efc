namespace InferenceApi.Core.Scheduling;

/// <summary>What the batch policy needs to know about a waiting request.</summary>
public interface IBatchCandidate
{
    /// <summary>When the request entered the queue.</summary>
    DateTimeOffset EnqueuedAt { get; }

    /// <summary>After this instant the request is not worth running (504).</summary>
    DateTimeOffset Deadline { get; }

    /// <summary>The sequence length it adds to a batch.</summary>
    int Tokens { get; }

    /// <summary>True once the client has gone away.</summary>
    bool IsCancelled { get; }
}
