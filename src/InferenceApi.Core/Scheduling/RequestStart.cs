namespace InferenceApi.Core.Scheduling;

/// <summary>
/// Shared by the queued parts of one request (the inputs of a batch request): set once the first of them starts
/// running. The max queue time bounds how long a request waits to start, not how long its own later parts wait behind
/// its earlier ones; without this, a request of more inputs than one batch holds on a slow model would lose its last
/// inputs after most of its compute was spent, and fail the same way on every retry.
/// </summary>
internal sealed class RequestStart
{
    private int _started;

    public bool HasStarted => Volatile.Read(ref _started) != 0;

    public void Mark() => Volatile.Write(ref _started, 1);
}
