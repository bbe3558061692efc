using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace InferenceApi.Caching;

/// <summary>
/// Readiness entry "redis". Redis is optional, so this check is never Unhealthy: Healthy when Redis is not
/// configured or answers PING, Degraded (with the reason) when it does not; the replica keeps serving from memory,
/// and counts API keys' rate limits on its own.
/// </summary>
public sealed class RedisHealthCheck : IHealthCheck
{
    /// <summary>Bound on the PING, so a hung Redis cannot stall the readiness probe.</summary>
    internal static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Bound on waiting for the first connection (only the first probe after start waits for it): the connect
    /// attempt, itself bounded by the multiplexer's connect timeout, plus its warm-up PING.
    /// </summary>
    internal static readonly TimeSpan ConnectWaitTimeout = TimeSpan.FromMilliseconds(2 * RedisConnectionProvider.ConnectTimeoutMilliseconds);

    private readonly RedisConnectionProvider _connection;
    private readonly IResultCache _cache;
    private readonly CacheOptions _options;
    private readonly TimeProvider _time;

    public RedisHealthCheck(RedisConnectionProvider connection, IResultCache cache, IOptions<CacheOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connection = connection;
        _cache = cache;
        _options = options.Value;
        _time = timeProvider;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_connection.IsConfigured)
        {
            return HealthCheckResult.Healthy(_options.Enabled
                ? "Redis not configured; in-process cache only"
                : $"Redis not configured; result cache disabled ({CacheOptions.SectionName}:{nameof(CacheOptions.Enabled)}=false)");
        }

        var status = _cache.DistributedStatus;
        var data = new Dictionary<string, object>
        {
            ["cacheState"] = status.State.ToString(),
            ["cacheStateSince"] = status.Since.ToString("O", CultureInfo.InvariantCulture),
        };
        if (status.LastError is not null)
        {
            data["cacheLastError"] = status.LastError;
        }

        Task<TimeSpan>? ping = null;
        try
        {
            var connection = await _connection.GetConnectionAsync()
                .WaitAsync(ConnectWaitTimeout, _time, cancellationToken).ConfigureAwait(false);
            ping = connection.GetDatabase().PingAsync();
            var latency = await ping.WaitAsync(PingTimeout, _time, cancellationToken).ConfigureAwait(false);
            data["pingMs"] = latency.TotalMilliseconds;
            return HealthCheckResult.Healthy(
                string.Create(CultureInfo.InvariantCulture, $"Redis answered PING in {latency.TotalMilliseconds:0.0} ms"), data);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ObserveIfStarted(ping);
            throw;
        }
        catch (Exception ex)
        {
            ObserveIfStarted(ping);
            var reason = RedisErrors.Describe(ex, ping is null ? ConnectWaitTimeout : PingTimeout, "health check timeout");
            return HealthCheckResult.Degraded(
                $"Redis did not answer PING: {reason}. Serving from the in-process cache only; API keys' rate limits count per replica", ex, data);
        }
    }

    private static void ObserveIfStarted(Task? task)
    {
        if (task is not null)
        {
            AbandonedTasks.Observe(task);
        }
    }
}
