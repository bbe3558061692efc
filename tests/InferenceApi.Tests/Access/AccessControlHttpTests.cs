using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Access;

/// <summary>401 and 403 in each route family's shape, what stays public, and the key's view of /v1/models.</summary>
public sealed class AccessControlHttpTests(AccessServer server) : IClassFixture<AccessServer>
{
    private static readonly object Classify = new { model = "tiny-bert-cls", inputs = "A fine film." };

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    [InlineData("/swagger/index.html")]
    [InlineData("/metrics")]
    public async Task PublicRoute_NoKey_Answers200(string path)
    {
        using var response = await server.Anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OurRoute_NoKey_Is401ProblemWithBearerChallenge()
    {
        using var response = await server.Anonymous.PostJsonAsync("/v1/classify", Classify);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "missing_api_key");
        Assert.Contains("Authorization: Bearer KEY", problem.GetProperty("detail").GetString());
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task OurRoute_WrongKey_Is401InvalidTokenWithoutTheKey()
    {
        var wrong = new TestKey("nobody", ["*"]).Key;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/classify") { Content = JsonContent.Create(Classify), Headers = { Authorization = new AuthenticationHeaderValue("Bearer", wrong) } };

        using var response = await server.Anonymous.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.DoesNotContain(wrong, problem.ToString());
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task OurRoute_KeyAsBearerOrXApiKey_IsServedWithTheKeysRateLimitFieldsAbsent()
    {
        using var bearer = server.Team.ClientOf(server.Factory);
        using var byHeader = server.Factory.CreateClient();
        byHeader.DefaultRequestHeaders.Add("X-Api-Key", server.Team.Key);

        using var first = await bearer.PostJsonAsync("/v1/classify", Classify);
        using var second = await byHeader.PostJsonAsync("/v1/classify", Classify);

        await first.ReadJsonAsync();
        await second.ReadJsonAsync();
        Assert.False(first.Headers.Contains("RateLimit"));
    }

    [Theory]
    [InlineData("/v1/chat/completions", "{\"model\":\"tiny-bert-cls\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")]
    [InlineData("/v1/completions", "{\"model\":\"tiny-bert-cls\",\"prompt\":\"hi\"}")]
    [InlineData("/v1/embeddings", "{\"model\":\"tiny-bert-cls\",\"input\":\"hi\"}")]
    public async Task OpenAiRoute_NoOrWrongKey_Is401OpenAiErrorWithInvalidApiKeyCode(string path, string body)
    {
        using var missing = await server.Anonymous.PostRawAsync(path, body);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-not-a-key");
        using var invalid = await server.Anonymous.SendAsync(wrong);

        var error = await missing.AssertOpenAiErrorAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        await invalid.AssertOpenAiErrorAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.StartsWith("Bearer", invalid.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task ModelsRoute_OpenAiClientWithoutKey_Is401OpenAiErrorOthersProblem()
    {
        using var sdk = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "X-Stainless-Lang", "js" } } };
        using var openAi = await server.Anonymous.SendAsync(sdk);
        using var plain = await server.Anonymous.GetAsync("/v1/models");

        await openAi.AssertOpenAiErrorAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
        await plain.AssertProblemAsync(HttpStatusCode.Unauthorized, "missing_api_key");
    }

    [Theory]
    [InlineData("/v2")]
    [InlineData("/v2/models/tiny-bert-cls")]
    [InlineData("/v2/models/tiny-bert-cls/ready")]
    [InlineData("/v2/nothing-here")]
    public async Task KServeRoute_NoKey_Is401KServeError(string path)
    {
        using var response = await server.Anonymous.GetAsync(path);

        await KServeErrorAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task UnknownPath_NoKey_Is401NotA404()
    {
        using var response = await server.Anonymous.GetAsync("/v1/no-such-route");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "missing_api_key");
    }

    [Fact]
    public async Task ModelOutsideTheKeysList_Is403InEachFamilysShape()
    {
        using var client = server.Team.ClientOf(server.Factory);

        using var ours = await client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-2", inputs = "x" });
        using var openAi = await client.PostRawAsync("/v1/chat/completions", "{\"model\":\"tiny-bert-2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        using var kserve = await client.PostRawAsync("/v2/models/tiny-bert-2/infer", "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"x\"]}]}");

        var problem = await ours.AssertProblemAsync(HttpStatusCode.Forbidden, "model_forbidden", "model");
        Assert.Contains("'team-a' may not use model 'tiny-bert-2'", problem.GetProperty("detail").GetString());
        await openAi.AssertOpenAiErrorAsync(HttpStatusCode.Forbidden, "model_not_found", "model");
        Assert.Contains("may not use model", await KServeErrorAsync(kserve, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task ModelList_LimitedKey_SeesOnlyItsModels()
    {
        using var team = server.Team.ClientOf(server.Factory);
        using var ops = server.Operator.ClientOf(server.Factory);

        var teamModels = (await (await team.GetAsync("/v1/models")).ReadJsonAsync()).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString());
        var allModels = (await (await ops.GetAsync("/v1/models")).ReadJsonAsync()).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString());

        Assert.Equal(["tiny-bert-cls"], teamModels);
        Assert.Equal(["tiny-bert-2", "tiny-bert-cls"], allModels.Order());
    }

    [Fact]
    public async Task KeyWithoutInferScope_Is403InsufficientScope()
    {
        using var client = server.Scraper.ClientOf(server.Factory);

        using var response = await client.PostJsonAsync("/v1/classify", Classify);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Contains("error=\"insufficient_scope\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Swagger_Document_HasTheBearerSchemeForEveryOperation()
    {
        var document = await (await server.Anonymous.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.Contains(document.GetProperty("security").EnumerateArray(), r => r.TryGetProperty("ApiKey", out _));
    }

    internal static async Task<string> KServeErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.ReadJsonAsync(status);
        Assert.Equal(["error"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, body.GetProperty("error").ValueKind);
        return body.GetProperty("error").GetString()!;
    }
}
