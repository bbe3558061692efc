namespace InferenceApi.LoadGen.Timing;

/// <summary>
/// Open loop: requests leave on the <see cref="ArrivalSchedule"/>, never waiting for earlier answers. Each one is
/// timed from its intended send time, so when the server (or this process) falls behind, the wait is counted as
/// latency and the delay of the sender itself is recorded as sender lag.
/// </summary>
public static class OpenLoopRunner
{
    public static async Task RunAsync(
        IRequestSender sender, LoadProfile profile, LatencyRecorder recorder, RunProgress progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var inFlight = new List<Task>();
        var sequence = 0L;
        progress.Start();
        foreach (var intended in ArrivalSchedule.SendTimes(profile))
        {
            if (ct.IsCancellationRequested)
            {
                break;
            }

            var wait = intended - progress.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                try
                {
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            // Off the scheduling loop at once: the synchronous part of an HTTP send must not delay the next send.
            var n = sequence++;
            inFlight.Add(Task.Run(() => SampleTaker.TakeAsync(sender, n, intended, progress, recorder, ct), CancellationToken.None));
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }
}
