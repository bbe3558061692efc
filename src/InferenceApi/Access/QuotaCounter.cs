using InferenceApi.Caching;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace InferenceApi.Access;

/// <summary>
/// Where quota counts live: in Redis when <c>Cache:RedisConnectionString</c> is set (one count for every replica, kept by
/// <see cref="RedisQuotaScripts"/>), else in <see cref="LocalQuotaCounter"/>. Redis is optional here as it is for the
/// cache: each call waits at most <c>Cache:RedisOperationTimeout</c>, and a failure opens a circuit breaker
/// (<c>Cache:RedisRetryAfter</c>) during which every replica counts on its own, so a dead Redis never fails a request.
/// Windows follow <see cref="Clock"/> (the <see cref="ClockKey"/> service), timeouts the server's own clock.
/// </summary>
public sealed partial class QuotaCounter
{
    /// <summary>The keyed <see cref="TimeProvider"/> that decides windows (the system clock; tests replace it).</summary>
    public const string ClockKey = "rate-limits";

    private readonly RedisConnectionProvider _connection;
    private readonly CacheOptions _options;
    private readonly TimeProvider _time;
    private readonly LocalQuotaCounter _local;
    private readonly RedisCircuitBreaker _breaker;
    private readonly ILogger _logger;
    private readonly string _prefix;

    public QuotaCounter(
        RedisConnectionProvider connection,
        IOptions<CacheOptions> options,
        TimeProvider time,
        [FromKeyedServices(ClockKey)] TimeProvider clock,
        ILogger<QuotaCounter> logger)
    {
        _connection = connection;
        _options = options.Value;
        _time = time;
        Clock = clock;
        _local = new LocalQuotaCounter(clock);
        _breaker = new RedisCircuitBreaker(connection, _options.RedisRetryAfter, time);
        _logger = logger;
        _prefix = _options.RedisInstanceName + "ratelimit:";
    }

    public TimeProvider Clock { get; }

    /// <summary>Whether counts are shared through Redis right now, and since when (for diagnostics).</summary>
    public DistributedCacheStatus Status => _breaker.Status;

    /// <summary>Takes <paramref name="amount"/> units from <paramref name="counter"/> if its window has them, all or nothing.</summary>
    public async ValueTask<QuotaWindow> TakeAsync(string counter, long amount, long limit, TimeSpan window, CancellationToken cancellationToken)
    {
        if (_connection.IsConfigured && _breaker.TryEnter() && _connection.TryGetConnection(out var redis))
        {
            var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
            var reply = await RunAsync(redis, RedisQuotaScripts.Take, _prefix + counter, [amount, limit, (long)window.TotalMilliseconds, now], cancellationToken);
            if (reply is { Length: 4 } values)
            {
                return new QuotaWindow((long)values[0] == 1, (long)values[1], (long)values[2], TimeSpan.FromMilliseconds((long)values[3]), Shared: true);
            }
        }

        return _local.Take(counter, amount, limit, window);
    }

    /// <summary>
    /// Gives back units that <paramref name="taken"/> took and did not use, to the same store and window; in the
    /// background, and not at all if that window has ended or Redis is down (the count then stays high, never low).
    /// </summary>
    public void Return(string counter, QuotaWindow taken, long amount)
    {
        if (amount <= 0 || !taken.Taken)
        {
            return;
        }

        if (!taken.Shared)
        {
            _local.Return(counter, taken.Window, amount);
        }
        else if (_breaker.TryEnter() && _connection.TryGetConnection(out var redis))
        {
            _ = RunAsync(redis, RedisQuotaScripts.Return, _prefix + counter, [taken.Window, amount], CancellationToken.None).AsTask();
        }
    }

    private async ValueTask<RedisValue[]?> RunAsync(IConnectionMultiplexer redis, string script, string key, RedisValue[] arguments, CancellationToken cancellationToken)
    {
        Task<RedisResult> call;
        try
        {
            call = redis.GetDatabase().ScriptEvaluateAsync(script, [key], arguments);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            OnFailure(ex);
            return null;
        }

        try
        {
            var result = await call.WaitAsync(_options.RedisOperationTimeout, _time, cancellationToken).ConfigureAwait(false);
            if (_breaker.OnSuccess() is { } outage)
            {
                LogRecovered(outage);
            }

            return (RedisValue[]?)result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AbandonedTasks.Observe(call);
            throw;
        }
        catch (Exception ex)
        {
            AbandonedTasks.Observe(call);
            OnFailure(ex);
            return null;
        }
    }

    private void OnFailure(Exception exception)
    {
        var reason = RedisErrors.Describe(exception, _options.RedisOperationTimeout, $"{CacheOptions.SectionName}:{nameof(CacheOptions.RedisOperationTimeout)}");
        if (_breaker.OnFailure(reason))
        {
            LogUnavailable(exception, reason, _options.RedisRetryAfter);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis unavailable for rate limits: each replica now counts its own requests and tokens against the full limits; retrying after {RetryAfter}: {Reason}")]
    private partial void LogUnavailable(Exception exception, string reason, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis available again for rate limits after {Outage}; counts are shared again")]
    private partial void LogRecovered(TimeSpan outage);
}
