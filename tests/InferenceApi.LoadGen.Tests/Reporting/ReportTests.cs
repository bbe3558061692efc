using System.Text.Json;
using InferenceApi.LoadGen.Timing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace InferenceApi.LoadGen.Tests.Reporting;

public class ReportTests
{
    [Fact]
    public async Task Write_ShortClassifyRun_JsonSchemaReportAndPlots()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/v1/classify", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            Assert.Equal("bert", body.RootElement.GetProperty("model").GetString());
            Assert.Equal(2, body.RootElement.GetProperty("inputs").GetArrayLength());
            context.Response.Headers["x-queue-time"] = "1.25";
            context.Response.Headers["x-inference-time"] = "4";
            await context.Response.WriteAsJsonAsync(new { results = Array.Empty<object>() });
        }));
        using var folder = new TempFolder();
        var texts = Path.Combine(folder.Path, "texts.txt");
        await File.WriteAllLinesAsync(texts, ["good", "", "bad", "meh"]);
        var settings = new RunSettings(server.Address, "classify", "open", LoadProfile.Constant(40, TimeSpan.FromSeconds(1)))
        {
            Model = "bert", Inputs = texts, Batch = 2, Warmup = TimeSpan.FromSeconds(0.25),
        };

        var result = await LoadTest.RunAsync(settings, null, CancellationToken.None);
        var out_ = Path.Combine(folder.Path, "out");
        var report = await LoadTest.WriteAsync(result, out_);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(out_, "results.json")));
        var root = json.RootElement;
        Assert.Equal("inferenceapi-loadgen/1", root.GetProperty("schema").GetString());
        root.GetProperty("startedAt").GetDateTimeOffset();
        Assert.Equal(10, root.GetProperty("warmupRequests").GetInt64());
        var config = root.GetProperty("config");
        foreach (var name in new[] { "url", "scenario", "model", "mode", "profile", "durationSeconds", "warmupSeconds" })
        {
            Assert.True(config.TryGetProperty(name, out _), $"config.{name}");
        }

        var summary = root.GetProperty("summary");
        Assert.Equal(40, summary.GetProperty("requests").GetInt64());
        Assert.Equal(0, summary.GetProperty("errors").GetInt64());
        foreach (var name in new[] { "successes", "errorRate", "durationSeconds", "throughput", "offeredRate" })
        {
            Assert.True(summary.TryGetProperty(name, out _), $"summary.{name}");
        }

        foreach (var stats in new[] { "latencyMs", "serviceTimeMs", "senderLagMs", "serverQueueMs", "serverInferenceMs" })
        {
            foreach (var p in new[] { "count", "mean", "p50", "p90", "p99", "p999", "max" })
            {
                Assert.True(summary.GetProperty(stats).TryGetProperty(p, out _), $"summary.{stats}.{p}");
            }
        }

        // HdrHistogram keeps three significant digits.
        Assert.InRange(summary.GetProperty("serverQueueMs").GetProperty("p50").GetDouble(), 1.248, 1.252);
        Assert.InRange(summary.GetProperty("serverInferenceMs").GetProperty("max").GetDouble(), 3.99, 4.01);
        Assert.False(summary.TryGetProperty("stream", out _));
        Assert.Equal(40, root.GetProperty("statusCodes").GetProperty("200").GetInt64());
        Assert.Empty(root.GetProperty("errorKinds").EnumerateObject());
        var window = root.GetProperty("windows")[0];
        foreach (var name in new[] { "second", "requests", "errors", "p50", "p90", "p99", "max" })
        {
            Assert.True(window.TryGetProperty(name, out _), $"windows[].{name}");
        }

        var html = await File.ReadAllTextAsync(report);
        Assert.Equal(Path.Combine(out_, "report.html"), report);
        foreach (var png in new[] { "latency.png", "throughput.png", "errors.png" })
        {
            Assert.Contains($"<img src=\"{png}\"", html, StringComparison.Ordinal);
            var bytes = await File.ReadAllBytesAsync(Path.Combine(out_, png));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
    }
}
