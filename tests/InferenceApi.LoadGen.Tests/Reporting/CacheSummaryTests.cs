using System.Text.Json;
using InferenceApi.LoadGen.Reporting;
using InferenceApi.LoadGen.Timing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace InferenceApi.LoadGen.Tests.Reporting;

/// <summary>Load-test figures over cache hits measure the cache: the run says how many answers were hits, and --no-cache asks the server not to use it.</summary>
public class CacheSummaryTests
{
    [Theory]
    [InlineData(false, "hit", "100.0 % of answers were cache hits; --no-cache makes the server run the model for each")]
    [InlineData(true, "miss", "0.0 % of answers were cache hits; requests sent Cache-Control: no-cache")]
    public async Task Run_WithAndWithoutNoCache_CountsTheServersXCacheAnswers(bool noCache, string expected, string summary)
    {
        var sentNoCache = 0;
        // Answers as the inference server does: a repeated input is a hit unless the request said no-cache.
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/v1/classify", (HttpContext context) =>
        {
            var skip = context.Request.Headers.CacheControl.ToString().Contains("no-cache", StringComparison.Ordinal);
            if (skip)
            {
                Interlocked.Increment(ref sentNoCache);
            }

            context.Response.Headers["x-cache"] = skip ? "miss" : "hit";
            return Microsoft.AspNetCore.Http.Results.Json(new { results = Array.Empty<object>() });
        }));
        using var folder = new TempFolder();
        var settings = new RunSettings(server.Address, "classify", "closed", LoadProfile.Constant(2, TimeSpan.FromSeconds(0.5)))
        {
            Model = "bert", NoCache = noCache,
        };

        var result = await LoadTest.RunAsync(settings, null, CancellationToken.None);
        await LoadTest.WriteAsync(result, folder.Path);

        Assert.True(result.Summary.Requests > 0);
        Assert.Equal(noCache ? result.Summary.Requests + result.WarmupRequests : 0, sentNoCache);
        Assert.Equal(new Dictionary<string, long> { [expected] = result.Summary.Requests }, result.Cache);
        Assert.Contains($"cache  {expected}:{result.Summary.Requests}  ({summary})", SummaryTable.Render(result), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder.Path, "results.json")));
        Assert.Equal(result.Summary.Requests, json.RootElement.GetProperty("cache").GetProperty(expected).GetInt64());
        Assert.Equal(noCache, json.RootElement.GetProperty("config").GetProperty("noCache").GetBoolean());
    }
}
