using InferenceApi.Core.Models;
using Microsoft.Extensions.Options;

namespace InferenceApi.Hosting;

/// <summary>
/// The server's stop, in the host's own phases. From SIGTERM on, readiness answers 503 (<see cref="IsDraining"/>).
/// <see cref="StoppingAsync"/> runs before any hosted service stops, so the web server keeps accepting and serving for
/// <see cref="ShutdownOptions.DrainDelaySeconds"/> while load balancers take the replica out; then it starts the
/// repository's drain (new requests get 503, admitted ones finish) and returns, and the web server, the first hosted
/// service to stop, closes the listener and waits for the requests in flight. Shortly before the host's shutdown
/// timeout the drain is cut off: what still waits or runs ends with a 503 or a stream's <c>error</c> event, written
/// while the connections are still open, instead of a reset when the host gives up on them.
/// </summary>
public sealed partial class GracefulShutdown(
    ModelRepository repository,
    IOptions<ShutdownOptions> options,
    IOptions<HostOptions> host,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<GracefulShutdown> logger) : IHostedLifecycleService, IDisposable
{
    /// <summary>The most kept between the cut-off and the host's timeout to write the last answers (a quarter of the drain when that is shorter).</summary>
    private static readonly TimeSpan MaxAnswerTime = TimeSpan.FromSeconds(2);

    private CancellationTokenSource? _cutOff;
    private int _stopping;

    /// <summary>What readiness reports as draining: true from the host's stop signal on, during the delay too.</summary>
    public bool IsDraining => Volatile.Read(ref _stopping) != 0 || lifetime.ApplicationStopping.IsCancellationRequested;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // The host's shutdown timeout started counting just before this call.
        var started = time.GetTimestamp();
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            return;
        }

        var delay = options.Value.DrainDelay;
        if (delay > TimeSpan.Zero)
        {
            LogDelaying(logger, delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The host's stop was cut short: drain at once.
            }
        }

        var timeout = host.Value.ShutdownTimeout;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            _cutOff = new CancellationTokenSource();
            LogDraining(logger, double.PositiveInfinity);
        }
        else
        {
            var answerTime = Min(MaxAnswerTime, (timeout - delay) / 4);
            var remaining = Max(timeout - answerTime - time.GetElapsedTime(started), TimeSpan.Zero);
            _cutOff = new CancellationTokenSource(remaining, time);
            LogDraining(logger, remaining.TotalSeconds);
        }

        // Joined and awaited by ModelRepositoryService.StopAsync, after the web server has stopped.
        _ = repository.DrainAsync(_cutOff.Token);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _cutOff?.Dispose();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: readiness is off; serving every request for {DelaySeconds} s more before closing the listener")]
    private static partial void LogDelaying(ILogger logger, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing the listener and draining: requests in flight may finish within {CutOffSeconds:0.0} s; what still runs then is answered 503")]
    private static partial void LogDraining(ILogger logger, double cutOffSeconds);
}
