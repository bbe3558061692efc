using InferenceApi.Core.Models;
using Microsoft.Extensions.Options;

namespace InferenceApi.Hosting;

/// <summary>
/// Loads the repository in the background (so <c>/health/live</c> answers while models warm up), rescans
/// it every poll interval for hot reload, and on shutdown drains: no new requests, queued ones finish. The drain is
/// started by <see cref="GracefulShutdown"/> (after the drain delay, with its cut-off); stopping joins it for as long
/// as the host waits.
/// </summary>
public sealed partial class ModelRepositoryService(
    ModelRepository repository,
    IOptions<ModelRepositoryOptions> options,
    TimeProvider time,
    ILogger<ModelRepositoryService> logger) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await repository.DrainAsync(cancellationToken).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host stopped waiting: a normal end of a stop that ran out of time, not a crash. What was still
            // running has been answered at the cut-off; the process exits with the unload unfinished.
            LogDrainUnfinished(logger);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarting(logger, repository.RootPath);
        var interval = TimeSpan.FromMilliseconds(options.Value.PollIntervalMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await repository.ScanAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (IOException exception)
            {
                // A folder vanishing mid-scan is normal during a copy; the next scan sees the final state.
                LogScanFailed(logger, exception, repository.RootPath);
            }
            catch (UnauthorizedAccessException exception)
            {
                LogScanFailed(logger, exception, repository.RootPath);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving models from {ModelPath}")]
    private static partial void LogStarting(ILogger logger, string modelPath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The host's shutdown timeout ended the drain before every model was unloaded")]
    private static partial void LogDrainUnfinished(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning {ModelPath} failed; retrying at the next interval")]
    private static partial void LogScanFailed(ILogger logger, Exception exception, string modelPath);
}
