namespace InferenceApi.LoadGen.Timing;

/// <summary>
/// Closed loop: a fixed number of clients, each sending its next request when the previous one is answered. The
/// stage level is the number of clients; stages run one after another (ramps are refused: use steps). Latency is
/// service time here by construction, which is why open loop is the default for latency work.
/// </summary>
public static class ClosedLoopRunner
{
    public static async Task RunAsync(
        IRequestSender sender, LoadProfile profile, LatencyRecorder recorder, RunProgress progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(progress);
        if (profile.Stages.Any(s => s.IsRamp))
        {
            throw new ArgumentException("Closed loop takes steps of concurrency (e.g. 8:10s,16:10s), not ramps.", nameof(profile));
        }

        var sequence = -1L;
        var stageEnd = TimeSpan.Zero;
        ThreadPoolFloor.Raise();
        progress.Start();
        foreach (var stage in profile.Stages)
        {
            stageEnd += stage.Duration;
            var end = stageEnd;
            var clients = (int)Math.Max(1, Math.Round(stage.Start));
            var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(
                async () =>
                {
                    while (!ct.IsCancellationRequested && progress.Elapsed < end)
                    {
                        var n = Interlocked.Increment(ref sequence);
                        progress.OnDispatched();
                        await SampleTaker.TakeAsync(sender, n, progress.Elapsed, progress, recorder, ct).ConfigureAwait(false);
                    }
                },
                CancellationToken.None));
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
    }
}
