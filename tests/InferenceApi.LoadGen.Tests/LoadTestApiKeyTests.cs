using InferenceApi.LoadGen.Timing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace InferenceApi.LoadGen.Tests;

/// <summary>A server with API keys refuses a load test that sends none; --api-key puts the key on every request.</summary>
public class LoadTestApiKeyTests
{
    [Theory]
    [InlineData("secret-key", 0)]
    [InlineData(null, 1)]
    public async Task Run_WithAndWithoutApiKey_SendsTheBearerOnEveryRequest(string? key, int failedShare)
    {
        var authorizations = new System.Collections.Concurrent.ConcurrentBag<string>();
        // Answers as the inference server does with keys configured: 401 without the right bearer.
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/v1/classify", (HttpContext context) =>
        {
            var sent = context.Request.Headers.Authorization.ToString();
            authorizations.Add(sent);
            return sent == "Bearer secret-key"
                ? Microsoft.AspNetCore.Http.Results.Json(new { results = Array.Empty<object>() })
                : Microsoft.AspNetCore.Http.Results.Problem(statusCode: 401);
        }));
        var settings = new RunSettings(server.Address, "classify", "closed", LoadProfile.Constant(2, TimeSpan.FromSeconds(0.5)))
        {
            Model = "sentiment", ApiKey = key,
        };

        var result = await LoadTest.RunAsync(settings, null, CancellationToken.None);

        Assert.True(result.Summary.Requests > 0);
        Assert.Equal(result.Summary.Requests + result.WarmupRequests, authorizations.Count);
        Assert.All(authorizations, sent => Assert.Equal(key is null ? "" : $"Bearer {key}", sent));
        Assert.Equal(result.Summary.Requests * failedShare, result.Summary.Errors);
    }
}
