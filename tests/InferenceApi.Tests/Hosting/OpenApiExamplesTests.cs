using System.Text;
using System.Text.Json;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Hosting;

/// <summary>Swagger UI's "Try it out" as a newcomer uses it: every operation, sent with the document's own examples.</summary>
public sealed class OpenApiExamplesTests(ShippedModelsServer server) : IClassFixture<ShippedModelsServer>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task EveryOperation_SentWithItsExamples_AnswersSuccessfullyWithTheShippedModels()
    {
        var document = await (await _client.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();
        var failures = new List<string>();
        var sent = 0;

        // An unload takes its model away from every later example, so unloads go last, each followed by its load again.
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Path: path.Name, Method: operation.Name, Operation: operation.Value)))
            .ToList();
        var reloads = operations.Where(o => o.Path.EndsWith("/unload", StringComparison.Ordinal))
            .SelectMany(o => new[] { o, operations.Single(l => l.Path == o.Path[..^"/unload".Length] + "/load") })
            .ToList();
        foreach (var (path, method, operation) in operations.Where(o => !o.Path.EndsWith("/unload", StringComparison.Ordinal)).Concat(reloads))
        {
            {
                var (request, missing) = BuildRequest(path, method, operation);
                if (missing is not null)
                {
                    failures.Add($"{method.ToUpperInvariant()} {path}: {missing}");
                    continue;
                }

                using (request)
                using (var response = await _client.SendAsync(request))
                {
                    sent++;
                    if (!response.IsSuccessStatusCode)
                    {
                        var body = await response.Content.ReadAsStringAsync();
                        failures.Add($"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        // Every route family is in the document, the operations middleware included: 23 operations today.
        Assert.True(sent >= 23, $"only {sent} operations were documented");
    }

    [Fact]
    public async Task Document_ListsTheOperationsEndpointsAndDescribesEveryApiFamily()
    {
        var document = await (await _client.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/health/live", "/health/ready", "/metrics" })
        {
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty("get", out _), $"{path} is not documented");
        }

        var description = document.GetProperty("info").GetProperty("description").GetString()!;
        foreach (var family in new[] { "classification", "embeddings", "generation", "image", "OpenAI", "KServe" })
        {
            Assert.Contains(family, description, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static (HttpRequestMessage Request, string? Missing) BuildRequest(string path, string method, JsonElement operation)
    {
        var url = path;
        if (operation.TryGetProperty("parameters", out var parameters))
        {
            foreach (var parameter in parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path"))
            {
                var name = parameter.GetProperty("name").GetString()!;
                if (!parameter.TryGetProperty("example", out var example))
                {
                    return (null!, $"route parameter '{name}' has no example");
                }

                url = url.Replace("{" + name + "}", Uri.EscapeDataString(example.GetString()!), StringComparison.Ordinal);
            }
        }

        var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
        if (operation.TryGetProperty("requestBody", out var body))
        {
            if (!body.GetProperty("content").TryGetProperty("application/json", out var json) || !json.TryGetProperty("example", out var example))
            {
                request.Dispose();
                return (null!, "the request body has no application/json example");
            }

            request.Content = new StringContent(example.GetRawText(), Encoding.UTF8, "application/json");
        }

        return (request, null);
    }
}
