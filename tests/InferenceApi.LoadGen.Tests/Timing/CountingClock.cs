using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.LoadGen.Tests.Timing;

/// <summary>
/// A fake clock that counts the timers made on it. The open loop makes one per wait for its next send, so a test can
/// tell that the runner is waiting (and for when) before it moves the clock; moving it earlier would let the runner
/// measure its wait from the wrong instant.
/// </summary>
internal sealed class CountingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _timers;

    public int TimersCreated => Volatile.Read(ref _timers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _timers);
        return timer;
    }
}
