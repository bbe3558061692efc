using System.Globalization;
using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen.Reporting;

/// <summary>
/// The live one-line progress on stderr, redrawn every second: completion rate over the last second, p99 so far
/// (measured part only), errors, in-flight requests and the worst sender lag.
/// </summary>
public sealed class ProgressLine : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TextWriter _writer;

    public ProgressLine(TextWriter writer, RunProgress progress, LatencyRecorder recorder, TimeSpan total)
    {
        _writer = writer;
        _loop = LoopAsync(progress, recorder, total, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _writer.WriteLineAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task LoopAsync(RunProgress progress, LatencyRecorder recorder, TimeSpan total, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var lastCompleted = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var completed = progress.Completed;
                var phase = progress.Elapsed < recorder.Warmup ? "warm-up" : "measure";
                var line = string.Create(
                    CultureInfo.InvariantCulture,
                    $"\r[{phase} {progress.Elapsed.TotalSeconds,5:0}/{total.TotalSeconds:0}s] {completed - lastCompleted,7}/s  p99 {recorder.P99SoFar(),8:0.0} ms  errors {recorder.Errors,6}  in flight {progress.InFlight,5}  max lag {progress.MaxSenderLag.TotalMilliseconds,7:0.0} ms ");
                lastCompleted = completed;
                await _writer.WriteAsync(line).ConfigureAwait(false);
                await _writer.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped at the end of the run.
        }
    }
}
