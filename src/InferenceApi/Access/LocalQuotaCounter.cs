using System.Collections.Concurrent;

namespace InferenceApi.Access;

/// <summary>
/// Fixed-window counters in this process, on the clock it is given: the quota store when Redis is not configured, and the
/// fallback while Redis is down (each replica then counts only what it serves). A window is one period of the clock
/// since the Unix epoch, so local and Redis counters agree on where minutes begin. Counters live as long as the process;
/// there is one per key name and policy.
/// </summary>
public sealed class LocalQuotaCounter(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>Takes <paramref name="amount"/> units if the window has them, all or nothing.</summary>
    public QuotaWindow Take(string counter, long amount, long limit, TimeSpan window)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var length = (long)window.TotalMilliseconds;
        var entry = _counters.GetOrAdd(counter, static _ => new Counter());
        lock (entry)
        {
            if (entry.Window < now / length)
            {
                entry.Window = now / length;
                entry.Used = 0;
            }

            var reset = TimeSpan.FromMilliseconds(((entry.Window + 1) * length) - now);
            if (entry.Used + amount > limit)
            {
                return new QuotaWindow(false, entry.Used, entry.Window, reset, Shared: false);
            }

            entry.Used += amount;
            return new QuotaWindow(true, entry.Used, entry.Window, reset, Shared: false);
        }
    }

    /// <summary>Gives <paramref name="amount"/> units back to window <paramref name="window"/>; nothing once that window has ended.</summary>
    public void Return(string counter, long window, long amount)
    {
        if (!_counters.TryGetValue(counter, out var entry))
        {
            return;
        }

        lock (entry)
        {
            if (entry.Window == window)
            {
                entry.Used = Math.Max(0, entry.Used - amount);
            }
        }
    }

    private sealed class Counter
    {
        public long Window { get; set; } = long.MinValue;

        public long Used { get; set; }
    }
}
