using System.Diagnostics;
using InferenceApi.Core.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace InferenceApi.Caching;

/// <summary>
/// L1: a size-limited in-process <see cref="MemoryCache"/>. L2: Redis through <see cref="RedisCache"/>, when configured.
/// Redis is treated as optional and untrusted for latency: each operation is bounded by
/// <see cref="CacheOptions.RedisOperationTimeout"/>, and after a failure a circuit breaker skips Redis for
/// <see cref="CacheOptions.RedisRetryAfter"/>, then lets a single request probe it again.
/// </summary>
public sealed partial class TwoLevelResultCache : IResultCache, IDisposable
{
    /// <summary>Background Redis writes allowed in flight; past it a write is dropped (memory still has the value).</summary>
    internal const int MaxPendingRedisWrites = 1024;

    private readonly CacheOptions _options;
    private readonly CacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly MemoryCache _memory;
    private readonly IDistributedCache? _redis;
    private readonly DistributedCacheEntryOptions _redisEntryOptions;
    private readonly RedisCircuitBreaker _breaker;
    private int _pendingWrites;

    public TwoLevelResultCache(
        IOptions<CacheOptions> options,
        RedisConnectionProvider connection,
        CacheMetrics metrics,
        ILogger<TwoLevelResultCache> logger,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);

        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _time = timeProvider;

        // A private MemoryCache, not the shared IMemoryCache: SizeLimit requires every entry to declare a size,
        // which other users of a shared instance would not do.
        _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.MemoryCacheSizeLimitBytes });
        _redisEntryOptions = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = _options.Expiration };
        _breaker = new RedisCircuitBreaker(connection, _options.RedisRetryAfter, timeProvider, _options.Enabled);

        if (connection.IsConfigured && _options.Enabled)
        {
            _redis = new RedisCache(
                Options.Create(new RedisCacheOptions
                {
                    InstanceName = _options.RedisInstanceName,
                    ConnectionMultiplexerFactory = connection.GetConnectionAsync,
                }));

            // Start connecting now, in the background, so the first requests find the connection made.
            _ = connection.TryGetConnection(out _);
        }
    }

    /// <inheritdoc />
    public DistributedCacheStatus DistributedStatus => _breaker.Status;

    /// <inheritdoc />
    public async ValueTask<CacheLookup> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_options.Enabled)
        {
            return CacheLookup.Miss;
        }

        using var span = InferenceTracing.Start("cache lookup");
        if (_memory.TryGetValue(key, out byte[]? cached) && cached is not null)
        {
            _metrics.Hit(CacheTier.Memory);
            span?.SetTag("cache.hit", true).SetTag("cache.tier", "memory");
            return CacheLookup.Hit(CacheTier.Memory, cached);
        }

        var fromRedis = await GetFromRedisAsync(key, cancellationToken).ConfigureAwait(false);
        if (fromRedis is null)
        {
            _metrics.Miss();
            span?.SetTag("cache.hit", false);
            return CacheLookup.Miss;
        }

        SetMemory(key, fromRedis);
        _metrics.Hit(CacheTier.Redis);
        span?.SetTag("cache.hit", true).SetTag("cache.tier", "redis");
        return CacheLookup.Hit(CacheTier.Redis, fromRedis);
    }

    /// <inheritdoc />
    public void Set(string key, ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_options.Enabled)
        {
            return;
        }

        // Copied: the caller may reuse its buffer, and readers share this array.
        var bytes = value.ToArray();
        SetMemory(key, bytes);

        if (_redis is null)
        {
            return;
        }

        if (Interlocked.Increment(ref _pendingWrites) > MaxPendingRedisWrites || !TryEnterRedis())
        {
            Interlocked.Decrement(ref _pendingWrites);
            return;
        }

        _ = WriteToRedisAsync(_redis, key, bytes);
    }

    public void Dispose()
    {
        // The RedisCache is deliberately not disposed: it would close the multiplexer that
        // RedisConnectionProvider owns and shares with the health check.
        _memory.Dispose();
    }

    private void SetMemory(string key, byte[] value)
    {
        // MemoryCache would refuse it anyway, after compacting other entries for nothing.
        if (value.Length > _options.MemoryCacheSizeLimitBytes)
        {
            return;
        }

        _memory.Set(key, value, new MemoryCacheEntryOptions
        {
            // At least 1 so that empty values still count towards the limit and cannot pile up unbounded.
            Size = Math.Max(1, value.Length),
            AbsoluteExpirationRelativeToNow = _options.Expiration,
        });
    }

    private async Task<byte[]?> GetFromRedisAsync(string key, CancellationToken cancellationToken)
    {
        if (_redis is null || !TryEnterRedis())
        {
            return null;
        }

        using var span = RedisSpan("GET");
        Task<byte[]?> read;
        try
        {
            read = _redis.GetAsync(key, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            InferenceTracing.Fail(span, ex);
            OnRedisFailure(ex);
            return null;
        }

        try
        {
            var value = await read.WaitAsync(_options.RedisOperationTimeout, _time, cancellationToken).ConfigureAwait(false);
            OnRedisSuccess();
            return value;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AbandonedTasks.Observe(read);
            throw;
        }
        catch (Exception ex)
        {
            InferenceTracing.Fail(span, ex);
            AbandonedTasks.Observe(read);
            OnRedisFailure(ex);
            return null;
        }
    }

    private async Task WriteToRedisAsync(IDistributedCache redis, string key, byte[] value)
    {
        using var span = RedisSpan("SET");
        try
        {
            // Leave the caller's thread at once, whatever RedisCache does before its first await.
            await Task.Yield();
            var write = redis.SetAsync(key, value, _redisEntryOptions, CancellationToken.None);
            try
            {
                await write.WaitAsync(_options.RedisOperationTimeout, _time).ConfigureAwait(false);
            }
            catch
            {
                AbandonedTasks.Observe(write);
                throw;
            }

            OnRedisSuccess();
        }
        catch (Exception ex)
        {
            InferenceTracing.Fail(span, ex);
            OnRedisFailure(ex);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingWrites);
        }
    }

    /// <summary>A client span for one Redis command, named and tagged as OpenTelemetry's database conventions say.</summary>
    private static Activity? RedisSpan(string command)
    {
        var span = InferenceTracing.Source.StartActivity($"redis {command}", ActivityKind.Client);
        span?.SetTag("db.system.name", "redis").SetTag("db.operation.name", command);
        return span;
    }

    private bool TryEnterRedis() => _breaker.TryEnter();

    private void OnRedisSuccess()
    {
        if (_breaker.OnSuccess() is { } outage)
        {
            LogRecovered(outage);
        }
    }

    private void OnRedisFailure(Exception exception)
    {
        var reason = Describe(exception);
        if (_breaker.OnFailure(reason))
        {
            LogUnavailable(exception, reason, _options.RedisRetryAfter);
        }
        else
        {
            LogStillUnavailable(reason);
        }
    }

    private string Describe(Exception exception) => RedisErrors.Describe(exception, _options.RedisOperationTimeout,
        $"{CacheOptions.SectionName}:{nameof(CacheOptions.RedisOperationTimeout)}");

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis cache tier unavailable, serving from memory only and retrying after {RetryAfter}: {Reason}")]
    private partial void LogUnavailable(Exception exception, string reason, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis cache tier still unavailable: {Reason}")]
    private partial void LogStillUnavailable(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis cache tier available again after {Outage}")]
    private partial void LogRecovered(TimeSpan outage);
}
