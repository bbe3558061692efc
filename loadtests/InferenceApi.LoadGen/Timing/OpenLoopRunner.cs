namespace InferenceApi.LoadGen.Timing;

/// <summary>
/// Open loop: requests leave on the <see cref="ArrivalSchedule"/>, never waiting for earlier answers. Each one is
/// timed from its intended send time, so when the server (or this process) falls behind, the wait is counted as
/// latency and the delay of the sender itself is recorded as sender lag.
/// </summary>
public static class OpenLoopRunner
{
    /// <param name="maxInFlight">
    /// A send due while this many requests are outstanding is not sent but recorded as error <c>dropped_max_in_flight</c>:
    /// an overloaded target must not make the generator open sockets (and threads) without bound.
    /// </param>
    public static async Task RunAsync(
        IRequestSender sender, LoadProfile profile, LatencyRecorder recorder, RunProgress progress, CancellationToken ct, int maxInFlight = 10_000)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(progress);
        var inFlight = new List<Task>();
        var sequence = 0L;
        ThreadPoolFloor.Raise();
        progress.Start();
        foreach (var intended in ArrivalSchedule.SendTimes(profile))
        {
            if (ct.IsCancellationRequested)
            {
                break;
            }

            // Never early: sleep until the send time is due (timer resolution ~1 ms, so at high rates the due
            // requests leave in small bursts; the up-to-a-tick delay is counted, being measured from intended time).
            var wait = intended - progress.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, progress.Time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (progress.InFlight >= maxInFlight)
            {
                var now = progress.Elapsed;
                progress.OnDispatched();
                progress.OnSent(now - intended);
                recorder.Record(new RequestSample(intended, now, now, new ServerResponse(0, "dropped_max_in_flight")));
                progress.OnCompleted();
                sequence++;
                continue;
            }

            // Off the scheduling loop at once: the synchronous part of an HTTP send must not delay the next send.
            var n = sequence++;
            progress.OnDispatched();
            inFlight.Add(Task.Run(() => SampleTaker.TakeAsync(sender, n, intended, progress, recorder, ct), CancellationToken.None));
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }
}
