using System.Net;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Access;

/// <summary>What the settings around access control do: Metrics:Exposure, Api:Swagger:Enabled, and keys that break a rule at start.</summary>
public sealed class AccessOperationsTests
{
    [Fact]
    public async Task Metrics_ExposureAdmin_NeedsAKeyWithTheAdminScope()
    {
        var server = AccessServer.With(("Metrics:Exposure", "admin"));
        await server.InitializeAsync();
        try
        {
            using var anonymous = await server.Anonymous.GetAsync("/metrics");
            using var team = await server.Anonymous.SendAsync(server.Team.Get("/metrics"));
            using var scraper = await server.Anonymous.SendAsync(server.Scraper.Get("/metrics"));

            await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized, "missing_api_key");
            await team.AssertProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope");
            Assert.Equal(HttpStatusCode.OK, scraper.StatusCode);
            Assert.Contains("# TYPE", await scraper.Content.ReadAsStringAsync());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task MetricsOffAndSwaggerOff_Answer404EvenToAnOperator()
    {
        var server = AccessServer.With(("Metrics:Exposure", "off"), ("Api:Swagger:Enabled", "false"));
        await server.InitializeAsync();
        try
        {
            foreach (var path in new[] { "/metrics", "/swagger/index.html", "/swagger/v1/swagger.json" })
            {
                using var response = await server.Anonymous.SendAsync(server.Operator.Get(path));
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_KeyWithABadHash_FailsNamingTheSetting()
    {
        using var factory = new InferenceApiFactory()
            .With("Auth:Keys:0:Name", "team-a")
            .With("Auth:Keys:0:Sha256", "not-a-hash")
            .With("Auth:Keys:0:Models:0", "*");

        var error = await Record.ExceptionAsync(() => factory.StartAsync());

        Assert.NotNull(error);
        Assert.Contains("Auth:Keys:0:Sha256 must be the 64 lowercase hex characters", error.ToString());
    }

    [Fact]
    public async Task Start_NoKeys_ServesEveryoneAsBefore()
    {
        using var factory = new InferenceApiFactory();
        factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");
        using var client = await factory.StartAsync();

        using var response = await client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "A fine film." });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("RateLimit-Policy"));
    }
}
