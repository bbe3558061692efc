using System.Collections.Concurrent;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Tests.Models;

/// <summary>
/// A model loader the test steers: a held version waits in its load until released, a refused one fails with the
/// given reason, and every start and every runtime is observable. It stands in for the ONNX loaders, which
/// Core's tests cannot open; the repository's own rules are what is under test.
/// </summary>
internal sealed class ScriptedLoader : IModelLoader
{
    private readonly ConcurrentDictionary<(string, long), TaskCompletionSource> _held = new();
    private readonly ConcurrentDictionary<(string, long), string> _refusals = new();
    private readonly ConcurrentDictionary<(string, long), TaskCompletionSource> _started = new();
    private readonly ConcurrentQueue<FakeRuntime> _runtimes = new();
    private readonly ConcurrentQueue<(string Name, long Version)> _starts = new();
    private readonly ConcurrentQueue<bool> _startedOnPoolThread = new();

    public IReadOnlyList<FakeRuntime> Runtimes => [.. _runtimes];

    /// <summary>Every load begun, in order.</summary>
    public IReadOnlyList<(string Name, long Version)> Starts => [.. _starts];

    /// <summary>For every load begun, whether it began on a thread of the .NET thread pool.</summary>
    public IReadOnlyList<bool> StartedOnPoolThread => [.. _startedOnPoolThread];

    public void Hold(string name, long version) => _held[(name, version)] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string name, long version) => _held[(name, version)].TrySetResult();

    public void Refuse(string name, long version, string reason) => _refusals[(name, version)] = reason;

    public void Accept(string name, long version) => _refusals.TryRemove((name, version), out _);

    /// <summary>Completes once a load of that version has begun.</summary>
    public Task StartedAsync(string name, long version) => Started((name, version)).Task.WaitAsync(TimeSpan.FromSeconds(10));

    public bool Handles(ModelTask task) => true;

    public async Task<IModelRuntime> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        var key = (context.Source.Name, context.Source.Version);
        _startedOnPoolThread.Enqueue(Thread.CurrentThread.IsThreadPoolThread);
        _starts.Enqueue(key);
        Started(key).TrySetResult();
        if (_held.TryGetValue(key, out var gate))
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (_refusals.TryGetValue(key, out var reason))
        {
            throw new ModelFolderException(reason);
        }

        var description = new ModelDescription(
            context.Task, ["no", "yes"], 128, new BatchLimits(8, 1024, TimeSpan.Zero, 16, 1), TimeSpan.FromSeconds(30), "scripted", context.Signature);
        var runtime = new FakeRuntime(context.Source, description);
        _runtimes.Enqueue(runtime);
        return runtime;
    }

    private TaskCompletionSource Started((string, long) key) =>
        _started.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
