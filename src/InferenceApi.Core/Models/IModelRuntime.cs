namespace InferenceApi.Core.Models;

/// <summary>
/// A loaded, warmed-up model version: its sessions, tokenizer or preprocessor, and scheduler.
/// Disposing drains its queue and frees native memory.
/// </summary>
public interface IModelRuntime : IAsyncDisposable
{
    ModelDescription Description { get; }

    /// <summary>Requests waiting in this version's queue.</summary>
    int QueueDepth { get; }
}
