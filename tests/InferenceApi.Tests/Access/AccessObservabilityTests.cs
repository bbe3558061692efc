using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using CsCheck;
using InferenceApi.Access;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Models;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Tests.Access;

/// <summary>
/// What operators see of keys (their names in the request log and metrics, never the keys), what OpenAI's own client does
/// with them, keys rotated through the keys file, and any header value a client can send.
/// </summary>
public sealed class AccessObservabilityTests(AccessObservabilityTests.Server server) : IClassFixture<AccessObservabilityTests.Server>
{
    private static readonly object Classify = new { model = "tiny-bert-cls", inputs = "A fine film." };

    [Fact]
    public async Task Logs_AtEveryLevel_NameTheKeyAndNeverHoldIt()
    {
        var wrong = KeysCommand.NewKey();
        using (var team = server.Team.ClientOf(server.Factory))
        {
            (await team.PostJsonAsync("/v1/classify", Classify)).Dispose();
            (await team.PostJsonAsync("/v1/classify", new { model = "tiny-bert-2", inputs = "x" })).Dispose();
        }

        using (var byHeader = server.Factory.CreateClient())
        {
            byHeader.DefaultRequestHeaders.Add("X-Api-Key", server.Operator.Key);
            (await byHeader.GetAsync("/v1/models")).Dispose();
            byHeader.DefaultRequestHeaders.Remove("X-Api-Key");
            byHeader.DefaultRequestHeaders.Add("X-Api-Key", wrong);
            (await byHeader.GetAsync("/v1/models")).Dispose();
        }

        var logs = server.Logs;
        var lines = logs.Select(LogRecordValues.Line).ToList();
        Assert.Contains(logs, e => e.Level == LogLevel.Debug);
        Assert.Contains(logs.Select(LogRecordValues.Of), v => v.TryGetValue("ApiKey", out var name) && name == "team-a" && v["StatusCode"] == "403");
        foreach (var secret in new[] { server.Team.Key, server.Operator.Key, wrong })
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal) || line.Contains(secret[4..20], StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Metrics_CountRequestsAndRefusalsByKeyName()
    {
        using (var team = server.Team.ClientOf(server.Factory))
        {
            (await team.PostJsonAsync("/v1/classify", Classify)).Dispose();
            (await team.PostJsonAsync("/v1/classify", new { model = "tiny-bert-2", inputs = "x" })).Dispose();
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "X-Api-Key", "iak_wrong" } } })
        {
            (await server.Anonymous.SendAsync(wrong)).Dispose();
        }

        await Eventually.TrueAsync(async () =>
        {
            var lines = (await server.Anonymous.GetStringAsync("/metrics")).Split('\n');
            return lines.Any(l => l.StartsWith("inference_key_requests_total{", StringComparison.Ordinal) && l.Contains("key=\"team-a\"", StringComparison.Ordinal))
                && lines.Any(l => l.StartsWith("inference_key_denied_total{", StringComparison.Ordinal) && l.Contains("key=\"team-a\"", StringComparison.Ordinal) && l.Contains("status=\"403\"", StringComparison.Ordinal))
                && lines.Any(l => l.StartsWith("inference_key_denied_total{", StringComparison.Ordinal) && l.Contains("key=\"none\"", StringComparison.Ordinal) && l.Contains("reason=\"invalid_key\"", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(10), () => "the per-key series never appeared in /metrics");
    }

    [Fact]
    public async Task OfficialOpenAiClient_WithTheKey_ListsItsModelsAndAWrongKeyIsAnAuthenticationError()
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(server.Anonymous.BaseAddress!, "/v1"), Transport = new HttpClientPipelineTransport(server.Factory.CreateClient()) };

        var models = await new OpenAIModelClient(new ApiKeyCredential(server.Team.Key), options).GetModelsAsync();
        var error = await Assert.ThrowsAsync<ClientResultException>(() => new OpenAIModelClient(new ApiKeyCredential("sk-wrong"), options).GetModelsAsync());

        Assert.Equal(["tiny-bert-cls"], models.Value.Select(m => m.Id));
        Assert.Equal(401, error.Status);
        Assert.Contains("invalid_api_key", error.Message);
        Assert.Contains("The API key is not valid", error.Message);
    }

    [Fact]
    public async Task KeysFile_RotatedThenBroken_TakesTheNewKeyAndKeepsItThroughTheBrokenEdit()
    {
        var store = server.Factory.Services.GetRequiredService<ApiKeyStore>();
        var rotated = new TestKey("rotating", ["tiny-bert-cls"]);

        var applied = await ReloadAsync(store, () => Publish(rotated));
        using (var old = await server.Anonymous.SendAsync(server.FileKey.Get("/v1/models")))
        using (var fresh = await server.Anonymous.SendAsync(rotated.Get("/v1/models")))
        {
            Assert.True(applied.Applied);
            await old.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        var refused = await ReloadAsync(store, () => File.WriteAllText(server.KeysFile, "[{\"Name\": \"rotating\","));
        using var still = await server.Anonymous.SendAsync(rotated.Get("/v1/models"));

        Assert.False(refused.Applied);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        Assert.Contains(server.Logs, e => e.Level == LogLevel.Warning && e.Message.Contains("refused, the last good", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnyAuthorizationOrXApiKeyValue_IsAnsweredBelow500()
    {
        var value = Gen.Null(Gen.OneOf(Gen.String[0, 300], Gen.Char.Array[0, 60].Select(c => "Bearer " + new string(c)), Gen.Const("Bearer " + server.Team.Key)));

        await Gen.Select(value, value).SampleAsync(async (authorization, apiKey) =>
        {
            var context = await server.Factory.Server.SendAsync(http =>
            {
                http.Request.Method = "GET";
                http.Request.Path = "/v1/models";
                if (authorization is not null)
                {
                    http.Request.Headers.Authorization = authorization;
                }

                if (apiKey is not null)
                {
                    http.Request.Headers["X-Api-Key"] = apiKey;
                }
            });
            Assert.True(context.Response.StatusCode is 200 or 401, $"{context.Response.StatusCode} for [{authorization}] [{apiKey}]");
        }, iter: 300, threads: 1);
    }

    private static async Task<ApiKeysReloadedEventArgs> ReloadAsync(ApiKeyStore store, Action change)
    {
        var reloaded = new TaskCompletionSource<ApiKeysReloadedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReloaded(object? sender, ApiKeysReloadedEventArgs e) => reloaded.TrySetResult(e);
        store.Reloaded += OnReloaded;
        try
        {
            change();
            return await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            store.Reloaded -= OnReloaded;
        }
    }

    private void Publish(params TestKey[] keys)
    {
        var staged = server.KeysFile + ".tmp";
        File.WriteAllText(staged, TestKey.FileJson(keys));
        File.Move(staged, server.KeysFile, overwrite: true);
    }

    /// <summary>Logs at every level, and a keys file beside the configured keys.</summary>
    public sealed class Server : AccessServer
    {
        private readonly TempDirectory _folder;

        public Server()
            : this(new TempDirectory())
        {
        }

        private Server(TempDirectory folder)
            : base([], ("Logging:LogLevel:Default", "Trace"), ("Logging:LogLevel:Microsoft.AspNetCore", "Trace"), ("Auth:KeysFile", Path.Combine(folder.Path, "keys.json")))
        {
            _folder = folder;
            File.WriteAllText(KeysFile, TestKey.FileJson(FileKey));
        }

        public string KeysFile => Path.Combine(_folder.Path, "keys.json");

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            _folder.Dispose();
        }

        public TestKey FileKey { get; } = new("rotating", ["tiny-bert-cls"]);
    }
}
