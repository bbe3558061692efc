using InferenceApi.LoadGen.Reporting;
using InferenceApi.LoadGen.Results;
using InferenceApi.LoadGen.Scenarios;
using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen;

/// <summary>One run end to end: build the scenario, run warm-up and profile, collect the result, write the files.</summary>
public static class LoadTest
{
    public static async Task<LoadTestResult> RunAsync(RunSettings settings, TextWriter? progressWriter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var client = HttpClients.Create(settings.Url, settings.Timeout);
        if (settings.NoCache)
        {
            client.DefaultRequestHeaders.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
        }

        if (settings.ApiKey is { } key)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        var sender = ScenarioFactory.Create(settings, client);
        return await RunAsync(settings, sender, progressWriter, ct).ConfigureAwait(false);
    }

    public static async Task<LoadTestResult> RunAsync(RunSettings settings, IRequestSender sender, TextWriter? progressWriter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var recorder = new LatencyRecorder(settings.Warmup);
        var progress = new RunProgress();
        var profile = settings.Profile.WithWarmup(settings.Warmup);
        var startedAt = DateTimeOffset.UtcNow;
        var line = progressWriter is null ? null : new ProgressLine(progressWriter, progress, recorder, profile.TotalDuration);
        try
        {
            if (settings.Mode == "closed")
            {
                await ClosedLoopRunner.RunAsync(sender, profile, recorder, progress, ct).ConfigureAwait(false);
            }
            else
            {
                await OpenLoopRunner.RunAsync(sender, profile, recorder, progress, ct, settings.MaxInFlight).ConfigureAwait(false);
            }
        }
        finally
        {
            if (line is not null)
            {
                await line.DisposeAsync().ConfigureAwait(false);
            }
        }

        // A run stopped early (Ctrl+C) reports over the time it actually measured.
        var measured = ct.IsCancellationRequested
            ? TimeSpan.FromTicks(Math.Clamp((progress.Elapsed - settings.Warmup).Ticks, 0, settings.Profile.TotalDuration.Ticks))
            : settings.Profile.TotalDuration;
        var offered = settings.Mode == "closed"
            ? 0
            : ArrivalSchedule.SendTimes(settings.Profile).TakeWhile(t => t < measured).LongCount() / Math.Max(measured.TotalSeconds, 1e-9);
        var config = new RunConfig(
            settings.Url.ToString(), settings.Scenario, settings.Model, settings.Mode, settings.Profile.ToString(), measured.TotalSeconds, settings.Warmup.TotalSeconds)
        {
            NoCache = settings.NoCache,
        };
        return recorder.ToResult(config, startedAt, measured, offered);
    }

    /// <summary>Writes results.json, report.html and its plots into <paramref name="folder"/>; returns the report path.</summary>
    public static async Task<string> WriteAsync(LoadTestResult result, string folder, CancellationToken ct = default)
    {
        Directory.CreateDirectory(folder);
        await ResultJson.WriteAsync(result, Path.Combine(folder, "results.json"), ct).ConfigureAwait(false);
        return HtmlReport.Write(result, folder);
    }
}
