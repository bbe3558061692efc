using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Models;

/// <summary>A loaded version that serves nothing but says when it is unloaded.</summary>
internal sealed class FakeRuntime(DiscoveredVersion source, ModelDescription description) : IModelRuntime
{
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DiscoveredVersion Source { get; } = source;

    public ModelDescription Description { get; } = description;

    public int QueueDepth => 0;

    public bool IsDisposed => _disposed.Task.IsCompleted;

    /// <summary>Whether the repository cut this runtime's in-flight work off (the drain deadline passed).</summary>
    public bool IsCutOff { get; private set; }

    public void CutOff() => IsCutOff = true;

    /// <summary>Completes once the repository has unloaded this runtime.</summary>
    public Task Disposed => _disposed.Task.WaitAsync(TimeSpan.FromSeconds(10));

    public ValueTask DisposeAsync()
    {
        _disposed.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
