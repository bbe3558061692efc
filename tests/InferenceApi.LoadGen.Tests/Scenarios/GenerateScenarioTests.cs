using System.Text.Json;
using InferenceApi.LoadGen.Scenarios;
using InferenceApi.LoadGen.Timing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace InferenceApi.LoadGen.Tests.Scenarios;

/// <summary>Against a fake /v1/generate that streams SPEC-shaped events: no real model is involved.</summary>
public class GenerateScenarioTests
{
    private const int Tokens = 5;

    [Fact]
    public async Task SendAsync_FakeStream_MeasuresFirstTokenGapsAndCount()
    {
        await using var server = await StartFakeGeneratorAsync();
        using var client = HttpClients.Create(server.Address, TimeSpan.FromSeconds(10));
        var scenario = new GenerateScenario(client, "fake", ["Once upon a time"], Tokens);

        var response = await scenario.SendAsync(0, CancellationToken.None);

        Assert.Equal(200, response.Status);
        Assert.Null(response.Error);
        Assert.Equal(Tokens, response.Tokens);
        Assert.Equal(Tokens - 1, response.InterTokenMs.Count);
        // The median only: on a loaded machine two events can be read back to back.
        var gaps = response.InterTokenMs.Order().ToList();
        Assert.True(gaps[gaps.Count / 2] >= 20, $"gaps {string.Join(", ", gaps)} ms");
        Assert.Equal(3.5, response.QueueMs);
    }

    [Fact]
    public async Task Run_FakeStream_ReportsTimeToFirstTokenAndTokenRates()
    {
        await using var server = await StartFakeGeneratorAsync();
        var settings = new RunSettings(server.Address, "generate", "closed", LoadProfile.Constant(2, TimeSpan.FromSeconds(1))) { Model = "fake", MaxNewTokens = Tokens };

        var result = await LoadTest.RunAsync(settings, null, CancellationToken.None);

        var stream = Assert.IsType<InferenceApi.LoadGen.Results.StreamStats>(result.Summary.Stream);
        Assert.True(result.Summary.Requests >= 2);
        Assert.Equal(0, result.Summary.Errors);
        Assert.Equal(result.Summary.Requests * Tokens, stream.Tokens);
        Assert.True(stream.TimeToFirstTokenMs.P50 >= 90, $"TTFT p50 {stream.TimeToFirstTokenMs.P50} ms");
        Assert.True(stream.TimeToFirstTokenMs.P50 < result.Summary.LatencyMs.P50);
        Assert.True(stream.InterTokenMs.P50 >= 20, $"ITL p50 {stream.InterTokenMs.P50} ms");
        Assert.True(stream.MeanTokensPerSecondPerStream is > 1 and < 200, $"{stream.MeanTokensPerSecondPerStream} tokens/s (~33 expected)");
    }

    /// <summary>100 ms to the first token, then one every 30 ms, then a final event with usage.</summary>
    private static Task<LoopbackServer> StartFakeGeneratorAsync() => LoopbackServer.StartAsync(app => app.MapPost("/v1/generate", async (HttpContext context) =>
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var count = body.RootElement.GetProperty("max_new_tokens").GetInt32();
        Assert.True(body.RootElement.GetProperty("stream").GetBoolean());
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers["x-queue-time"] = "3.5";
        await context.Response.Body.FlushAsync();
        await Task.Delay(100);
        for (var i = 0; i < count; i++)
        {
            await context.Response.WriteAsync($"data: {{\"token\":{{\"id\":{i},\"text\":\"t{i}\"}}}}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(30);
        }

        await context.Response.WriteAsync($"data: {{\"finish_reason\":\"length\",\"usage\":{{\"completion_tokens\":{count}}}}}\n\n");
    }));
}
