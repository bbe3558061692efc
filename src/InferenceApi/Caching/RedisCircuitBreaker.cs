namespace InferenceApi.Caching;

/// <summary>
/// When a feature that treats Redis as optional (the result cache, the shared rate limits) may use it: connected, and not
/// within <c>retryAfter</c> of a failure, after which a single caller probes it again (half-open). Keeps the feature's
/// <see cref="DistributedCacheStatus"/> and tells the caller when an outage starts and ends, so each feature logs once
/// per outage in its own words.
/// </summary>
public sealed class RedisCircuitBreaker
{
    private readonly RedisConnectionProvider _connection;
    private readonly TimeSpan _retryAfter;
    private readonly TimeProvider _time;
    private readonly Lock _statusGate = new();
    private volatile DistributedCacheStatus _status;

    // 0: breaker closed, Redis is used. Otherwise the UTC ticks from which one request may probe Redis again.
    private long _retryAtTicks;

    /// <param name="used">Whether the feature uses Redis at all (its status is <see cref="DistributedCacheState.NotConfigured"/> otherwise).</param>
    public RedisCircuitBreaker(RedisConnectionProvider connection, TimeSpan retryAfter, TimeProvider time, bool used = true)
    {
        _connection = connection;
        _retryAfter = retryAfter;
        _time = time;
        var state = connection.IsConfigured && used ? DistributedCacheState.Connecting : DistributedCacheState.NotConfigured;
        _status = new DistributedCacheStatus(state, time.GetUtcNow());
    }

    public DistributedCacheStatus Status => _status;

    /// <summary>Whether this operation may use Redis now: connected, and the breaker closed or this caller chosen as its probe.</summary>
    public bool TryEnter()
    {
        // Still making the first connection: skip Redis rather than make a request wait for it.
        if (!_connection.TryGetConnection(out _))
        {
            return false;
        }

        var retryAt = Interlocked.Read(ref _retryAtTicks);
        if (retryAt == 0)
        {
            return true;
        }

        var now = _time.GetUtcNow().UtcTicks;
        if (now < retryAt)
        {
            return false;
        }

        // Half-open: the caller that moves the retry time forward probes; the others keep skipping until it answers.
        return Interlocked.CompareExchange(ref _retryAtTicks, now + _retryAfter.Ticks, retryAt) == retryAt;
    }

    /// <summary>Closes the breaker; returns how long Redis was unavailable when this success ended an outage.</summary>
    public TimeSpan? OnSuccess()
    {
        if (Interlocked.Read(ref _retryAtTicks) != 0)
        {
            Interlocked.Exchange(ref _retryAtTicks, 0);
        }

        if (_status.State == DistributedCacheState.Connected)
        {
            return null;
        }

        DistributedCacheStatus previous;
        var now = _time.GetUtcNow();
        lock (_statusGate)
        {
            previous = _status;
            if (previous.State == DistributedCacheState.Connected)
            {
                return null;
            }

            _status = new DistributedCacheStatus(DistributedCacheState.Connected, now);
        }

        return previous.State == DistributedCacheState.Unavailable ? now - previous.Since : null;
    }

    /// <summary>Opens the breaker for the retry interval; true when this failure started an outage, false when one was going on.</summary>
    public bool OnFailure(string reason)
    {
        var now = _time.GetUtcNow();
        Interlocked.Exchange(ref _retryAtTicks, now.UtcTicks + _retryAfter.Ticks);
        lock (_statusGate)
        {
            if (_status.State == DistributedCacheState.Unavailable)
            {
                // Same outage: keep its start time, refresh the reason.
                _status = _status with { LastError = reason };
                return false;
            }

            _status = new DistributedCacheStatus(DistributedCacheState.Unavailable, now, reason);
            return true;
        }
    }
}
