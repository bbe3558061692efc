namespace InferenceApi.LoadGen.Timing;

/// <summary>Sends one request and turns it into a timed sample; shared by both runners.</summary>
internal static class SampleTaker
{
    public static async Task TakeAsync(
        IRequestSender sender, long sequence, TimeSpan intended, RunProgress progress, LatencyRecorder recorder, CancellationToken ct)
    {
        var started = progress.Elapsed;
        progress.OnSent(started - intended);
        ServerResponse response;
        try
        {
            response = await sender.SendAsync(sequence, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            response = new ServerResponse(0, "cancelled");
        }
#pragma warning disable CA1031 // A load generator records every failure as a result and carries on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            response = new ServerResponse(0, "exception:" + e.GetType().Name);
        }

        var completed = progress.Elapsed;
        TimeSpan? firstToken = response.FirstTokenTimestamp is { } ts
            ? completed - progress.Time.GetElapsedTime(ts)
            : null;
        recorder.Record(new RequestSample(intended, started, completed, response, firstToken));
        progress.OnCompleted();
    }
}
