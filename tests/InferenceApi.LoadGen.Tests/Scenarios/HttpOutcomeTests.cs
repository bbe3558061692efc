using InferenceApi.LoadGen.Timing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace InferenceApi.LoadGen.Tests.Scenarios;

public class HttpOutcomeTests
{
    [Theory]
    [InlineData("/with", "http_429")]
    [InlineData("/without", "http_429_no_retry_after")]
    public async Task Run_TooManyRequests_KindSaysWhetherRetryAfterWasSent(string path, string kind)
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/with", (HttpContext context) =>
            {
                context.Response.Headers.RetryAfter = "1";
                return TypedResults.StatusCode(429);
            });
            app.MapGet("/without", () => TypedResults.StatusCode(429));
        });
        var settings = new RunSettings(server.Address, "get", "closed", LoadProfile.Constant(1, TimeSpan.FromMilliseconds(300))) { Path = path, Warmup = TimeSpan.Zero };

        var result = await LoadTest.RunAsync(settings, null, CancellationToken.None);

        Assert.True(result.Summary.Requests > 0);
        Assert.Equal(result.Summary.Requests, result.ErrorKinds[kind]);
        Assert.Equal(result.Summary.Requests, result.StatusCodes["429"]);
    }
}
