using System.Threading.RateLimiting;
using InferenceApi.Core.Errors;

namespace InferenceApi.Access;

/// <summary>
/// A System.Threading.RateLimiting <see cref="RateLimiter"/> for one key's quota of one kind (requests or tokens per
/// window): a fixed window counted in <see cref="QuotaCounter"/>, so in Redis across replicas when it is there. Requests
/// are never queued: an exhausted window refuses at once with the time until it ends. The count may live in Redis, so it
/// cannot be read without waiting: <see cref="RateLimiter.AttemptAcquire"/> refuses (as RedisRateLimiting's limiters do),
/// and callers use <see cref="RateLimiter.AcquireAsync"/>.
/// </summary>
public sealed class KeyQuotaLimiter : RateLimiter
{
    private readonly QuotaCounter _counter;
    private readonly string _name;
    private readonly QuotaState _policy;
    private long _lastUsed;
    private long _granted;
    private long _refused;
    private long _available;

    /// <param name="name">The counter: key name and policy, the same on every replica.</param>
    /// <param name="policy">The quota (<see cref="QuotaState.Remaining"/> and <see cref="QuotaState.Reset"/> unused).</param>
    public KeyQuotaLimiter(QuotaCounter counter, string name, QuotaState policy)
    {
        _counter = counter;
        _name = name;
        _policy = policy;
        _available = policy.Quota;
        _lastUsed = counter.Clock.GetTimestamp();
    }

    public override TimeSpan? IdleDuration => _counter.Clock.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = Interlocked.Read(ref _available),
        TotalSuccessfulLeases = Interlocked.Read(ref _granted),
        TotalFailedLeases = Interlocked.Read(ref _refused),
    };

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        new QuotaLease(_policy with { Remaining = Interlocked.Read(ref _available), Reset = _policy.Window }, default, null, _name);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, _counter.Clock.GetTimestamp());
        if (permitCount > _policy.Quota)
        {
            Interlocked.Increment(ref _refused);
            return new QuotaLease(_policy with { Remaining = Interlocked.Read(ref _available), Reset = _policy.Window }, default, null, _name, overQuota: true);
        }

        var taken = await _counter.TakeAsync(_name, permitCount, _policy.Quota, _policy.Window, cancellationToken).ConfigureAwait(false);
        var remaining = Math.Max(0, _policy.Quota - taken.Used);
        Interlocked.Exchange(ref _available, remaining);
        Interlocked.Increment(ref taken.Taken ? ref _granted : ref _refused);
        return new QuotaLease(_policy with { Remaining = remaining, Reset = taken.Reset }, taken, _counter, _name);
    }
}
