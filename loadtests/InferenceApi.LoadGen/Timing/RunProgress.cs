namespace InferenceApi.LoadGen.Timing;

/// <summary>
/// Live counters a runner updates and the progress line reads; also the run's clock: <see cref="Time"/> (the system's,
/// or a fake one in tests) times every request and paces the open loop.
/// </summary>
public sealed class RunProgress(TimeProvider? time = null)
{
    private const long NotStarted = long.MinValue;

    private long _started = NotStarted;
    private long _dispatched;
    private long _sent;
    private long _completed;
    private long _maxLagTicks;

    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    /// <summary>Since the run started; zero before.</summary>
    public TimeSpan Elapsed => Interlocked.Read(ref _started) is var started and not NotStarted ? Time.GetElapsedTime(started) : TimeSpan.Zero;

    public long Sent => Interlocked.Read(ref _sent);

    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Handed to a sender (or dropped) but not yet completed; counted at dispatch, so a busy thread pool cannot hide it.</summary>
    public long InFlight => Interlocked.Read(ref _dispatched) - Completed;

    /// <summary>The furthest the sender has run behind its schedule so far.</summary>
    public TimeSpan MaxSenderLag => TimeSpan.FromTicks(Interlocked.Read(ref _maxLagTicks));

    internal void Start() => Interlocked.CompareExchange(ref _started, Time.GetTimestamp(), NotStarted);

    internal void OnDispatched() => Interlocked.Increment(ref _dispatched);

    internal void OnSent(TimeSpan lag)
    {
        Interlocked.Increment(ref _sent);
        var ticks = lag.Ticks;
        var seen = Interlocked.Read(ref _maxLagTicks);
        while (ticks > seen)
        {
            var prior = Interlocked.CompareExchange(ref _maxLagTicks, ticks, seen);
            if (prior == seen)
            {
                break;
            }

            seen = prior;
        }
    }

    internal void OnCompleted() => Interlocked.Increment(ref _completed);
}
