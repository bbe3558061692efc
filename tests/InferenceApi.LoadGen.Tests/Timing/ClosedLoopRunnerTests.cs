using InferenceApi.LoadGen.Scenarios;
using InferenceApi.LoadGen.Timing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace InferenceApi.LoadGen.Tests.Timing;

public class ClosedLoopRunnerTests
{
    [Fact]
    public async Task Run_EveryFifthRequestFails_CountsAreExact()
    {
        var served = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/", async () =>
        {
            await Task.Delay(5);
            return Interlocked.Increment(ref served) % 5 == 0 ? (IResult)TypedResults.StatusCode(500) : TypedResults.Ok();
        }));
        using var client = HttpClients.Create(server.Address, TimeSpan.FromSeconds(10));
        var recorder = new LatencyRecorder(TimeSpan.Zero);
        var progress = new RunProgress();

        await ClosedLoopRunner.RunAsync(new GetScenario(client, "/"), LoadProfile.Constant(4, TimeSpan.FromSeconds(1)), recorder, progress, CancellationToken.None);
        var result = recorder.ToResult(new("u", "get", null, "closed", "4:1s", 1, 0), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), 0);

        Assert.True(served > 20, $"only {served} requests");
        Assert.Equal(served, result.Summary.Requests);
        Assert.Equal(served / 5, result.StatusCodes["500"]);
        Assert.Equal(served - (served / 5), result.StatusCodes["200"]);
        Assert.Equal(served / 5, result.Summary.Errors);
        Assert.Equal(served / 5, result.ErrorKinds["http_500"]);
        Assert.Equal(0, progress.InFlight);
    }

    [Fact]
    public async Task Run_ConnectionRefused_RecordedAsErrorKind()
    {
        using var client = HttpClients.Create(new Uri("http://127.0.0.1:1"), TimeSpan.FromSeconds(5));
        var recorder = new LatencyRecorder(TimeSpan.Zero);

        await ClosedLoopRunner.RunAsync(new GetScenario(client, "/"), LoadProfile.Constant(1, TimeSpan.FromSeconds(0.2)), recorder, new RunProgress(), CancellationToken.None);
        var result = recorder.ToResult(new("u", "get", null, "closed", "1:0.2s", 0.2, 0), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(0.2), 0);

        Assert.Equal(result.Summary.Requests, result.Summary.Errors);
        Assert.StartsWith("connection:", Assert.Single(result.ErrorKinds).Key, StringComparison.Ordinal);
        Assert.Equal(result.Summary.Requests, result.StatusCodes["0"]);
    }

    [Fact]
    public async Task Run_Ramp_Refused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => ClosedLoopRunner.RunAsync(
            new GetScenario(new HttpClient(), "/"), LoadProfile.Parse("1-4:1s"), new LatencyRecorder(TimeSpan.Zero), new RunProgress(), CancellationToken.None));
}
