using System.Net;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Access;

/// <summary>Requests per minute per key: the IETF RateLimit fields on every answer, 429 in each family's shape, a new window.</summary>
public sealed class RateLimitHttpTests(RateLimitHttpTests.Server server) : IClassFixture<RateLimitHttpTests.Server>
{
    private static readonly object Classify = new { model = "tiny-bert-cls", inputs = "A fine film." };

    [Fact]
    public async Task OurRoute_OverTheKeysRequestsPerMinute_Is429WithRetryAfterAndRateLimitFields()
    {
        using var client = server.Three.ClientOf(server.Factory);

        var admitted = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            admitted.Add(await client.PostJsonAsync("/v1/classify", Classify));
        }

        using var refused = await client.PostJsonAsync("/v1/classify", Classify);

        Assert.All(admitted, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var t = SecondsLeft();
        Assert.Equal([$"\"requests\";r=2;t={t}", $"\"requests\";r=1;t={t}", $"\"requests\";r=0;t={t}"], admitted.Select(r => r.Header("RateLimit")));
        Assert.All(admitted, r => Assert.Equal("\"requests\";q=3;w=60", r.Header("RateLimit-Policy")));
        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Contains("'three' has used its 3 requests for this minute", problem.GetProperty("detail").GetString());
        Assert.Equal($"{t}", refused.Header("Retry-After"));
        Assert.Equal($"\"requests\";r=0;t={t}", refused.Header("RateLimit"));
        Assert.Equal("\"requests\";q=3;w=60", refused.Header("RateLimit-Policy"));
        admitted.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task OpenAiAndKServeRoutes_OverTheLimit_Are429InTheirShapes()
    {
        using var openAiClient = server.OneOpenAi.ClientOf(server.Factory);
        using var kserveClient = server.OneKServe.ClientOf(server.Factory);
        const string Chat = "{\"model\":\"tiny-bert-cls\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        // The first request uses the minute's one permit whatever it answers (here: a classifier cannot chat).
        using var first = await openAiClient.PostRawAsync("/v1/chat/completions", Chat);
        using var openAi = await openAiClient.PostRawAsync("/v1/chat/completions", Chat);
        using var ready = await kserveClient.GetAsync("/v2/models/tiny-bert-cls/ready");
        using var kserve = await kserveClient.GetAsync("/v2/models/tiny-bert-cls/ready");

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        var error = await openAi.AssertOpenAiErrorAsync(HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        Assert.Equal("requests", error.GetProperty("type").GetString());
        Assert.Equal($"{SecondsLeft()}", openAi.Header("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("has used its 1 requests", await AccessControlHttpTests.KServeErrorAsync(kserve, HttpStatusCode.TooManyRequests));
        Assert.Equal($"\"requests\";r=0;t={SecondsLeft()}", kserve.Header("RateLimit"));
    }

    [Fact]
    public async Task NextMinute_TheKeyIsServedAgain()
    {
        using var client = server.Rolling.ClientOf(server.Factory);
        using var first = await client.PostJsonAsync("/v1/classify", Classify);
        using var refused = await client.PostJsonAsync("/v1/classify", Classify);

        server.Clock.Advance(TimeSpan.FromSeconds(SecondsLeft()));
        using var next = await client.PostJsonAsync("/v1/classify", Classify);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("\"requests\";r=0;t=60", next.Header("RateLimit"));
    }

    [Fact]
    public async Task PublicRoutes_AreNotCounted()
    {
        using var client = server.Public.ClientOf(server.Factory);
        for (var i = 0; i < 5; i++)
        {
            using var health = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using var served = await client.PostJsonAsync("/v1/classify", Classify);

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    /// <summary>Seconds to the end of the fake clock's minute: the window's reset (tests share the clock, one moves it).</summary>
    private int SecondsLeft() => 60 - server.Clock.GetUtcNow().Second;

    public sealed class Server : AccessServer
    {
        public Server()
            : this(new TestKey("three", ["*"], Rpm: 3), new TestKey("one-openai", ["*"], Rpm: 1), new TestKey("one-kserve", ["*"], Rpm: 1),
                new TestKey("rolling", ["*"], Rpm: 1), new TestKey("public", ["*"], Rpm: 1))
        {
        }

        private Server(params TestKey[] keys)
            : base(keys, ("Cache:Enabled", "false"))
        {
            (Three, OneOpenAi, OneKServe, Rolling, Public) = (keys[0], keys[1], keys[2], keys[3], keys[4]);
        }

        public TestKey Three { get; }

        public TestKey OneOpenAi { get; }

        public TestKey OneKServe { get; }

        public TestKey Rolling { get; }

        public TestKey Public { get; }
    }
}
