using System.Net;
using InferenceApi.Access;
using InferenceApi.Caching;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Tests.Access;

/// <summary>A route group that declares another scope (as the repository API's load and unload do) gets it checked by the same middleware.</summary>
public sealed class ApiScopeConventionsTests
{
    [Fact]
    public async Task RequireApiScope_AdminOnAGroup_RefusesAnInferKeyAndServesAnAdminKey()
    {
        var ops = new TestKey("ops", ["*"], Scopes: [ApiScopes.Infer, ApiScopes.Admin]);
        var team = new TestKey("team-a", ["*"]);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Keys:0:Name"] = ops.Name, ["Auth:Keys:0:Sha256"] = ops.Entry.Sha256, ["Auth:Keys:0:Models:0"] = "*",
            ["Auth:Keys:0:Scopes:0"] = ApiScopes.Infer, ["Auth:Keys:0:Scopes:1"] = ApiScopes.Admin,
            ["Auth:Keys:1:Name"] = team.Name, ["Auth:Keys:1:Sha256"] = team.Entry.Sha256, ["Auth:Keys:1:Models:0"] = "*",
        });
        builder.Services.AddResultCache(builder.Configuration).AddAccessControl().AddProblemDetails();
        await using var app = builder.Build();
        app.UseMiddleware<AccessControlMiddleware>();
        app.MapGroup("/v2/repository").RequireApiScope(ApiScopes.Admin).MapPost("/index", () => Results.Ok(Array.Empty<string>()));
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var refused = await client.SendAsync(Post(team));
        using var served = await client.SendAsync(Post(ops));

        Assert.Contains("needs an API key with the 'admin' scope", await AccessControlHttpTests.KServeErrorAsync(refused, HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    private static HttpRequestMessage Post(TestKey key)
    {
        var request = key.Get("/v2/repository/index");
        request.Method = HttpMethod.Post;
        return request;
    }
}
