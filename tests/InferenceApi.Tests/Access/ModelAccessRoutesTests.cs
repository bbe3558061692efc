using System.Net;
using System.Net.Http.Headers;
using InferenceApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Tests.Access;

/// <summary>A model outside the key's list is refused with 403 on every route that names a model, however it names it.</summary>
public sealed class ModelAccessRoutesTests(AccessServer server) : IClassFixture<AccessServer>
{
    /// <summary>Every API route that serves no model: the rest must each appear in <see cref="ModelRoutes"/>.</summary>
    // The repository's load and unload name a model but need the admin scope, which is checked first (the test below).
    private static readonly string[] RoutesWithoutModel =
    [
        "GET /v1/models/", "GET /v2/", "GET /v2/health/live", "GET /v2/health/ready",
        "POST /v2/repository/index", "POST /v2/repository/models/{name}/load", "POST /v2/repository/models/{name}/unload",
    ];

    public static TheoryData<string, string, string?> ModelRoutes => new()
    {
        { "POST", "/v1/classify", "{\"model\":\"tiny-bert-2\",\"inputs\":\"x\"}" },
        { "POST", "/v1/embed", "{\"model\":\"tiny-bert-2\",\"inputs\":\"x\"}" },
        { "POST", "/v1/generate", "{\"model\":\"tiny-bert-2\",\"prompt\":\"x\"}" },
        { "POST", "/v1/completions", "{\"model\":\"tiny-bert-2\",\"prompt\":\"x\"}" },
        { "POST", "/v1/chat/completions", "{\"model\":\"tiny-bert-2\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}" },
        { "POST", "/v1/embeddings", "{\"model\":\"tiny-bert-2\",\"input\":\"x\"}" },
        { "POST", "/v1/images/classify", "{\"model\":\"tiny-bert-2\",\"images\":[\"iVBORw0KGgo=\"]}" },
        { "POST", "/v1/images/classify", "multipart" },
        { "POST", "/v1/tokenize", "{\"model\":\"tiny-bert-2\",\"inputs\":\"x\"}" },
        { "POST", "/v1/detokenize", "{\"model\":\"tiny-bert-2\",\"ids\":[[1,2]]}" },
        { "GET", "/v1/models/tiny-bert-2", null },
        { "GET", "/v2/models/tiny-bert-2", null },
        { "GET", "/v2/models/tiny-bert-2/versions/1", null },
        { "GET", "/v2/models/tiny-bert-2/ready", null },
        { "GET", "/v2/models/tiny-bert-2/versions/1/ready", null },
        { "POST", "/v2/models/tiny-bert-2/infer", "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"x\"]}]}" },
        { "POST", "/v2/models/tiny-bert-2/versions/1/infer", "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"x\"]}]}" },
        { "POST", "/v2/models/tiny-bert-2/generate", "{\"text_input\":\"x\"}" },
        { "POST", "/v2/models/tiny-bert-2/versions/1/generate", "{\"text_input\":\"x\"}" },
        { "POST", "/v2/models/tiny-bert-2/generate_stream", "{\"text_input\":\"x\"}" },
        { "POST", "/v2/models/tiny-bert-2/versions/1/generate_stream", "{\"text_input\":\"x\"}" },
    };

    [Theory]
    [MemberData(nameof(ModelRoutes))]
    public async Task ModelRoute_ModelNotInTheKeysList_Is403(string method, string path, string? body)
    {
        using var response = await server.Anonymous.SendAsync(Request(method, path, body, server.Team.Key));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode} {text}");
        Assert.Contains("may not use model 'tiny-bert-2'", text);
    }

    [Theory]
    [MemberData(nameof(ModelRoutes))]
    public async Task ModelRoute_KeyForEveryModel_IsNotRefusedByAccessControl(string method, string path, string? body)
    {
        using var response = await server.Anonymous.SendAsync(Request(method, path, body, server.Operator.Key));

        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True((int)response.StatusCode < 500, $"{method} {path}: {(int)response.StatusCode}");
    }

    [Theory]
    [InlineData("/v2/repository/index")]
    [InlineData("/v2/repository/models/tiny-bert-2/load")]
    [InlineData("/v2/repository/models/tiny-bert-2/unload")]
    public async Task RepositoryRoute_KeyWithoutTheAdminScope_Is403(string path)
    {
        using var response = await server.Anonymous.SendAsync(Request("POST", path, null, server.Team.Key));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)response.StatusCode} {text}");
        Assert.Contains("'admin' scope", text);
    }

    [Fact]
    public void ApiRoutes_EveryRouteThatNamesAModel_IsInTheTheory()
    {
        var covered = ModelRoutes.Select(row => $"{row[0]} {Pattern((string)row[1])}").ToHashSet();
        var routes = server.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/v1", StringComparison.Ordinal) || raw.StartsWith("/v2", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Where(route => !RoutesWithoutModel.Contains(route))
            .ToList();

        Assert.NotEmpty(routes);
        Assert.All(routes, route => Assert.Contains(route, covered));
    }

    /// <summary>The route pattern a path of the theory was made from.</summary>
    private static string Pattern(string path) => path
        .Replace("/versions/1", "/versions/{version}", StringComparison.Ordinal)
        .Replace("tiny-bert-2", "{name}", StringComparison.Ordinal);

    private static HttpRequestMessage Request(string method, string path, string? body, string key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
        if (body == "multipart")
        {
            var form = new MultipartFormDataContent { { new StringContent("tiny-bert-2"), "model" } };
            form.Add(new ByteArrayContent(File.ReadAllBytes(Fixtures.ImageCases[0].Path)), "images", "image.png");
            request.Content = form;
        }
        else if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }
}
