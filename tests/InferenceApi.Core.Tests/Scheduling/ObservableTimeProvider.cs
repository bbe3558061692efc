using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Core.Tests.Scheduling;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer created on it with the instant it is due,
/// so a test knows the scheduler has decided to wait (and until when) before it moves the clock.
/// </summary>
internal sealed class ObservableTimeProvider : FakeTimeProvider
{
    private readonly Channel<DateTimeOffset> _timers = Channel.CreateUnbounded<DateTimeOffset>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var due = GetUtcNow() + dueTime;
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(due);
        return timer;
    }

    /// <summary>The due instant of the next timer created (waits for it; the timeout only guards against a hang).</summary>
    public Task<DateTimeOffset> NextTimerDueAsync() => _timers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
}
