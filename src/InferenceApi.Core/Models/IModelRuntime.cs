namespace InferenceApi.Core.Models;

/// <summary>
/// A loaded, warmed-up model version: its sessions, tokenizer or preprocessor, and scheduler.
/// Disposing drains its queue and frees native memory.
/// </summary>
public interface IModelRuntime : IAsyncDisposable
{
    /// <summary>
    /// The tasks of the models a runtime of this type serves: the link between a model's task and the type its
    /// requests are served by. Its loader serves exactly these tasks, and <see cref="ModelRepository.Acquire{TRuntime}"/>
    /// names them when a request asks a model of another task. A new task is one runtime type that states its tasks
    /// here (this default, every task, is for callers that take any model).
    /// </summary>
    static virtual IReadOnlyList<ModelTask> Tasks => Enum.GetValues<ModelTask>();

    ModelDescription Description { get; }

    /// <summary>Requests waiting in this version's queue.</summary>
    int QueueDepth { get; }

    /// <summary>
    /// The server's drain deadline passed: ends whatever still waits or runs here with a 503 (draining) instead of
    /// letting the host cut its connection, and admits nothing more.
    /// </summary>
    void CutOff();
}
