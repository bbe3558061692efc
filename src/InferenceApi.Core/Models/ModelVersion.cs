namespace InferenceApi.Core.Models;

/// <summary>
/// One generation of one version of a model, with a lease count: it unloads only once retired and
/// released by every request that acquired it, so a swap never fails a request in flight.
/// </summary>
public sealed class ModelVersion : IVersionState
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _leases;
    private bool _retiring;

    public ModelVersion(DiscoveredVersion source, long generation)
    {
        Source = source;
        Generation = generation;
    }

    public DiscoveredVersion Source { get; }

    public string Name => Source.Name;

    public long Version => Source.Version;

    public string Fingerprint => Source.Fingerprint;

    /// <summary>Orders reloads of the same version number; the newest ready generation serves.</summary>
    public long Generation { get; }

    public ModelStatus Status { get; private set; } = ModelStatus.Loading;

    public string? Reason { get; private set; }

    public IModelRuntime? Runtime { get; private set; }

    public DateTimeOffset? ReadySince { get; private set; }

    /// <summary>Completes once loading ended: ready, refused, or retired before it was ready.</summary>
    public Task Settled => _settled.Task;

    /// <summary>False when the version was retired while it loaded; the caller then disposes the runtime.</summary>
    internal bool MarkReady(IModelRuntime runtime, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_retiring)
            {
                _settled.TrySetResult();
                return false;
            }

            Runtime = runtime;
            ReadySince = now;
            Status = ModelStatus.Ready;
            _settled.TrySetResult();
            return true;
        }
    }

    internal void MarkFailed(string reason)
    {
        Reason = reason;
        Status = ModelStatus.Failed;
        _settled.TrySetResult();
    }

    /// <summary>Takes a lease; false once the version is retiring (the caller picks the current version again).</summary>
    internal bool TryAcquire()
    {
        lock (_gate)
        {
            if (_retiring || Status != ModelStatus.Ready)
            {
                return false;
            }

            _leases++;
            return true;
        }
    }

    internal void Release()
    {
        lock (_gate)
        {
            _leases--;
            if (_retiring && _leases == 0)
            {
                _released.TrySetResult();
            }
        }
    }

    /// <summary>Stops new leases, waits for current ones, then drains and unloads the runtime.</summary>
    internal async Task RetireAsync(string reason)
    {
        lock (_gate)
        {
            if (_retiring)
            {
                return;
            }

            _retiring = true;
            _settled.TrySetResult();
            Reason = reason;
            if (Status == ModelStatus.Ready)
            {
                Status = ModelStatus.Retiring;
            }

            if (_leases == 0)
            {
                _released.TrySetResult();
            }
        }

        await _released.Task.ConfigureAwait(false);
        if (Runtime is { } runtime)
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
        }
    }
}
