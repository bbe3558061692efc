using System.Net;
using InferenceApi.Access;
using InferenceApi.Core.Generation;
using InferenceApi.Serving;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Tests.Access;

/// <summary>
/// Tokens per minute on the generation routes: prompt + max_new_tokens reserved before a generation is queued, what was not
/// generated given back when it ends (a stop sequence, the end of a stream, a cancellation), 429 when it does not fit.
/// </summary>
public sealed class TokenQuotaTests(TokenQuotaTests.Server server) : IClassFixture<TokenQuotaTests.Server>
{
    private const int Quota = 100;

    [Fact]
    public async Task Generate_StoppedEarly_IsChargedWhatItUsedToTheToken()
    {
        using var client = server.Tokens.ClientOf(server.Factory);

        // Greedy tiny-gpt answers "in the" with " the the the…": the stop ends it after a few of its 60 tokens.
        var answer = await (await client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = "in the", max_new_tokens = 60, stop = new[] { " the the the" } })).ReadJsonAsync();
        var used = answer.GetProperty("usage").GetProperty("total_tokens").GetInt32();
        var prompt = answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        var left = Quota - used;

        // One token more than is left is refused, and says exactly what is left; exactly what is left is served.
        using var over = await client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = "in the", max_new_tokens = left + 1 - prompt });
        using var exact = await client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = "in the", max_new_tokens = left - prompt, stop = new[] { " the the the" } });

        Assert.True(used < prompt + 60, $"the stop did not end the generation early: {answer}");
        var problem = await over.AssertProblemAsync(HttpStatusCode.TooManyRequests, "token_limit_exceeded", "max_new_tokens");
        Assert.Equal(left + 1, problem.GetProperty("received").GetInt32());
        Assert.Equal(Quota, problem.GetProperty("limit").GetInt32());
        Assert.StartsWith($"\"tokens\";r={left};t=", over.Header("RateLimit"));
        Assert.Equal($"\"tokens\";q={Quota};qu=\"tokens\";w=60", over.Header("RateLimit-Policy"));
        Assert.False(string.IsNullOrEmpty(over.Header("Retry-After")));
        await exact.ReadJsonAsync();
    }

    [Fact]
    public async Task OpenAiCompletions_MoreThanAMinutesTokens_Is429TokensNamingMaxTokens()
    {
        using var client = server.OpenAiTokens.ClientOf(server.Factory);

        using var response = await client.PostJsonAsync("/v1/completions", new { model = "tiny-gpt", prompt = "in the", max_tokens = 120 });

        var error = await response.AssertOpenAiErrorAsync(HttpStatusCode.TooManyRequests, "rate_limit_exceeded", "max_tokens");
        Assert.Equal("tokens", error.GetProperty("type").GetString());
        Assert.Contains($"more than the {Quota} tokens per minute", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Stream_EndedByItsStop_GivesBackWhatWasNotGenerated()
    {
        using var client = server.Streams.ClientOf(server.Factory);
        using var streamed = await client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = "in the", max_new_tokens = 90, stop = new[] { " the the the" }, stream = true });
        var events = (await streamed.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var end = System.Text.Json.JsonDocument.Parse(events[^1].Split('\n').Single(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..]).RootElement;
        var used = end.GetProperty("usage").GetProperty("total_tokens").GetInt32();
        Assert.True(used < 2 + 90, $"the stop did not end the stream early: {end}");

        // The response is complete; its batch is released (and the reservation settled) right after the last chunk.
        await Eventually.TrueAsync(async () => await LeftAsync(server.Streams) == 1000 - used, TimeSpan.FromSeconds(10),
            () => $"the unused part of the stream's reservation never came back ({used} used)");
    }

    [Fact]
    public async Task Generation_CancelledAfterItsFirstToken_IsChargedOnlyWhatItGenerated()
    {
        var gateway = server.Factory.Services.GetRequiredService<GenerationGateway>();
        var access = server.Factory.Services.GetRequiredService<AccessControl>();
        var caller = access.Authenticate("Bearer " + server.Cancelled.Key, null).Value!;
        using var client = new CancellationTokenSource();
        var start = new GenerationStart("tiny-gpt", null, ["in the"], new SamplingRequest { Temperature = 0, MaxNewTokens = 120 }) { Tokens = new TokenQuota(access, caller) };

        var started = await gateway.StartAsync(start, client.Token);
        int generated;
        using (var batch = started.Result.Value!)
        {
            await batch.Sequences[0].Tokens.ReadAsync();
            await client.CancelAsync();
            generated = batch.Sequences[0].Generated;
        }

        var left = await LeftAsync(server.Cancelled);
        // On a loaded machine all 120 tokens may be out before the cancellation lands: what is charged is what was generated.
        Assert.InRange(1000 - left, 2 + 1, 2 + 120);
        Assert.True(1000 - left <= 2 + generated + 1, $"charged {1000 - left} for {generated} tokens generated when it was cancelled");
    }

    /// <summary>What is left of the key's tokens, read from the 429 of a reservation larger than anything left.</summary>
    private async Task<long> LeftAsync(TestKey key)
    {
        var access = server.Factory.Services.GetRequiredService<AccessControl>();
        var caller = access.Authenticate("Bearer " + key.Key, null).Value!;
        var probe = await access.ReserveTokensAsync(caller, 1000, "probe", CancellationToken.None);
        probe.Value?.Settle(0);
        return probe.Error?.Quota?.Remaining ?? 1000;
    }

    public sealed class Server : AccessServer
    {
        public Server()
            : this(new TestKey("tokens", ["tiny-gpt"], Tpm: Quota), new TestKey("openai-tokens", ["tiny-gpt"], Tpm: Quota),
                new TestKey("streams", ["tiny-gpt"], Tpm: 1000), new TestKey("cancelled", ["tiny-gpt"], Tpm: 1000))
        {
        }

        private Server(params TestKey[] keys)
            : base(keys, ("Cache:Enabled", "false"))
        {
            (Tokens, OpenAiTokens, Streams, Cancelled) = (keys[0], keys[1], keys[2], keys[3]);
            Factory.AddModel(Fixtures.TinyGpt, "tiny-gpt");
        }

        public TestKey Tokens { get; }

        public TestKey OpenAiTokens { get; }

        public TestKey Streams { get; }

        public TestKey Cancelled { get; }
    }
}
