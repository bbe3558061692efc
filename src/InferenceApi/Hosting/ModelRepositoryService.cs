using InferenceApi.Core.Models;
using Microsoft.Extensions.Options;

namespace InferenceApi.Hosting;

/// <summary>
/// Loads the repository in the background (so <c>/health/live</c> answers while models warm up), rescans
/// it every poll interval for hot reload, and on shutdown drains: no new requests, queued ones finish.
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
        await repository.DrainAsync().WaitAsync(cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning {ModelPath} failed; retrying at the next interval")]
    private static partial void LogScanFailed(ILogger logger, Exception exception, string modelPath);
}
