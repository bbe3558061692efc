using InferenceApi.LoadGen.Scenarios;
using InferenceApi.LoadGen.Timing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace InferenceApi.LoadGen.Tests.Timing;

public class OpenLoopRunnerTests
{
    [Fact]
    public async Task Run_SlowServer_KeepsScheduleAndLatencyGrowsFromIntendedTime()
    {
        // One request at a time, 40 ms each: 25/s of capacity against 50/s offered, so a queue builds up.
        using var gate = new SemaphoreSlim(1);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/slow", async () =>
        {
            await gate.WaitAsync();
            try
            {
                await Task.Delay(40);
            }
            finally
            {
                gate.Release();
            }

            return "ok";
        }));
        using var client = HttpClients.Create(server.Address, TimeSpan.FromSeconds(30));
        // A short warm-up takes the first-request JIT and connection set-up out of the figures, as in real runs.
        var warmup = TimeSpan.FromSeconds(0.5);
        var recorder = new LatencyRecorder(warmup);
        var progress = new RunProgress();
        var profile = LoadProfile.Constant(50, TimeSpan.FromSeconds(2)).WithWarmup(warmup);

        await OpenLoopRunner.RunAsync(new GetScenario(client, "/slow"), profile, recorder, progress, CancellationToken.None);
        var result = recorder.ToResult(new("u", "get", null, "open", "50:2s", 2, 0), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(2), 50);

        // The schedule did not bend to the server: ~100 sent, none of them much later than planned.
        Assert.InRange(result.Summary.Requests, 95, 105);
        Assert.Equal(progress.Sent, result.Summary.Requests + recorder.WarmupRequests);
        Assert.Equal(0, result.Summary.Errors);
        Assert.True(result.Summary.SenderLagMs.Max < 500, $"sender lag max {result.Summary.SenderLagMs.Max} ms");
        // The server needed ~5 s for what was sent in 2.5 s: latency from intended time grows, up to seconds.
        Assert.True(result.Summary.LatencyMs.P50 >= 40, $"p50 {result.Summary.LatencyMs.P50} ms");
        Assert.True(result.Summary.LatencyMs.Max > 1000, $"max {result.Summary.LatencyMs.Max} ms");
        var windows = result.Windows.Where(w => w.Requests > 0).ToList();
        Assert.True(windows[^1].P50 > windows[0].P50 * 2, $"first window p50 {windows[0].P50} ms, last {windows[^1].P50} ms");
    }

    [Fact]
    public async Task Run_WarmupRequests_ExcludedFromResults()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/", () => "ok"));
        using var client = HttpClients.Create(server.Address, TimeSpan.FromSeconds(10));
        var recorder = new LatencyRecorder(TimeSpan.FromSeconds(0.5));

        await OpenLoopRunner.RunAsync(new GetScenario(client, "/"), LoadProfile.Constant(40, TimeSpan.FromSeconds(1)), recorder, new RunProgress(), CancellationToken.None);

        Assert.Equal(20, recorder.WarmupRequests);
        Assert.Equal(20, recorder.Requests);
    }

    [Fact]
    public async Task Run_TooManyInFlight_DropsAndCountsThem()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/", async () =>
        {
            await Task.Delay(1000);
            return TypedResults.Ok();
        }));
        using var client = HttpClients.Create(server.Address, TimeSpan.FromSeconds(10));
        var recorder = new LatencyRecorder(TimeSpan.Zero);

        await OpenLoopRunner.RunAsync(new GetScenario(client, "/"), LoadProfile.Constant(20, TimeSpan.FromSeconds(0.5)), recorder, new RunProgress(), CancellationToken.None, maxInFlight: 4);
        var result = recorder.ToResult(new("u", "get", null, "open", "x", 0.5, 0), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(0.5), 20);

        Assert.Equal(10, result.Summary.Requests);
        Assert.Equal(6, result.ErrorKinds["dropped_max_in_flight"]);
        Assert.Equal(4, result.StatusCodes["200"]);
    }
}
