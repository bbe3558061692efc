using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace InferenceApi.Caching;

/// <summary>
/// Owns the one <see cref="IConnectionMultiplexer"/> that the result cache, the shared rate limits and the Redis health
/// check share.
/// It connects lazily and asynchronously, so the server starts (and serves from memory) while Redis is down,
/// and it configures the multiplexer to fail fast rather than queue commands while disconnected.
/// </summary>
public sealed partial class RedisConnectionProvider : IDisposable, IAsyncDisposable
{
    // Short, so that a health check or the first lookup learns quickly that Redis is not there.
    internal const int ConnectTimeoutMilliseconds = 1000;

    // Reconnect attempts start at 250 ms and back off to at most 2 s: a restarted Redis is back in use within
    // about RedisRetryAfter + 2 s, and a dead one costs one connect attempt every 2 s.
    private const int ReconnectBaseMilliseconds = 250;
    private const int ReconnectMaxMilliseconds = 2000;

    private readonly ConfigurationOptions? _configuration;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Task<IConnectionMultiplexer>? _connect;
    private bool _disposed;

    public RedisConnectionProvider(IOptions<CacheOptions> options, ILogger<RedisConnectionProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;

        // Configured whether or not results are cached: rate limits are shared through the same Redis.
        var value = options.Value;
        if (!string.IsNullOrWhiteSpace(value.RedisConnectionString))
        {
            _configuration = CreateConfiguration(value.RedisConnectionString);
        }
    }

    /// <summary>Whether Redis is in use (a connection string is set).</summary>
    public bool IsConfigured => _configuration is not null;

    /// <summary>
    /// The shared multiplexer, connecting on first use. It completes once the first connection attempt ends,
    /// successful or not: a multiplexer that could not connect keeps retrying in the background.
    /// </summary>
    public Task<IConnectionMultiplexer> GetConnectionAsync()
    {
        var connect = Volatile.Read(ref _connect);
        if (connect is not null && !connect.IsFaulted && !connect.IsCanceled)
        {
            return connect;
        }

        if (_configuration is null)
        {
            throw new InvalidOperationException(
                $"Redis is not configured: set {CacheOptions.SectionName}:{nameof(CacheOptions.RedisConnectionString)}.");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // A faulted attempt (rare with AbortOnConnectFail=false) is replaced, so a later call tries again.
            if (_connect is null || _connect.IsFaulted || _connect.IsCanceled)
            {
                if (_connect is not null)
                {
                    AbandonedTasks.Observe(_connect);
                }

                _connect = ConnectAsync(_configuration);
            }

            return _connect;
        }
    }

    /// <summary>
    /// The multiplexer if the first connection attempt has ended, without waiting; otherwise starts that attempt
    /// and returns <c>false</c>, so that requests never wait for a connection to be made.
    /// </summary>
    public bool TryGetConnection([NotNullWhen(true)] out IConnectionMultiplexer? connection)
    {
        var connect = Volatile.Read(ref _connect);
        if (connect is { IsCompletedSuccessfully: true })
        {
            connection = connect.Result;
            return true;
        }

        connection = null;
        if (_configuration is not null && (connect is null || connect.IsCompleted) && !Volatile.Read(ref _disposed))
        {
            _ = GetConnectionAsync();
        }

        return false;
    }

    /// <summary>The StackExchange.Redis settings used: the configured string with fail-fast behaviour forced on.</summary>
    internal static ConfigurationOptions CreateConfiguration(string connectionString)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);

        // Start, and keep retrying in the background, when Redis is down instead of throwing at connect.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = ConnectTimeoutMilliseconds;

        // While disconnected, fail commands at once instead of queueing them until a reconnect: a queued
        // lookup would hold its request for the whole operation timeout.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(ReconnectBaseMilliseconds, ReconnectMaxMilliseconds);
        return configuration;
    }

    public void Dispose() => DisposeWhenConnected(MarkDisposed());

    public async ValueTask DisposeAsync()
    {
        var connect = MarkDisposed();
        if (connect is { IsCompletedSuccessfully: true })
        {
            await connect.Result.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            DisposeWhenConnected(connect);
        }
    }

    private static void DisposeWhenConnected(Task<IConnectionMultiplexer>? connect)
    {
        if (connect is null)
        {
            return;
        }

        if (connect.IsCompletedSuccessfully)
        {
            connect.Result.Dispose();
            return;
        }

        // Still connecting: dispose the multiplexer when it arrives rather than block shutdown on it.
        _ = connect.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        AbandonedTasks.Observe(connect);
    }

    private Task<IConnectionMultiplexer>? MarkDisposed()
    {
        lock (_gate)
        {
            _disposed = true;
            var connect = _connect;
            _connect = null;
            return connect;
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
    {
        var endpoints = string.Join(", ", configuration.EndPoints);
        try
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(configuration.Clone()).ConfigureAwait(false);
            if (connection.IsConnected)
            {
                await WarmUpAsync(connection).ConfigureAwait(false);
                LogConnected(endpoints);
            }
            else
            {
                LogNotReachableYet(endpoints);
            }

            return connection;
        }
        catch (Exception ex)
        {
            LogConnectFailed(ex, endpoints);
            throw;
        }
    }

    /// <summary>
    /// One PING before the connection is handed out: the first command of a process pays for JIT and buffer
    /// set-up, and paid by a request it could exceed the operation timeout and trip the breaker for nothing.
    /// </summary>
    private static async Task WarmUpAsync(IConnectionMultiplexer connection)
    {
        var ping = connection.GetDatabase().PingAsync();
        try
        {
            await ping.WaitAsync(TimeSpan.FromMilliseconds(ConnectTimeoutMilliseconds)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or RedisException)
        {
            // The requests that follow will find out, and report, whether Redis really is unavailable.
            AbandonedTasks.Observe(ping);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Redis at {Endpoints}")]
    private partial void LogConnected(string endpoints);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis at {Endpoints} did not answer the first connection attempt; serving from memory and retrying in the background")]
    private partial void LogNotReachableYet(string endpoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create the Redis connection to {Endpoints}; will try again on next use")]
    private partial void LogConnectFailed(Exception exception, string endpoints);
}
