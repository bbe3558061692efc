using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace InferenceApi.Hosting;

/// <summary>
/// Adds the operations endpoints that are middleware rather than route handlers (liveness from the health-check
/// middleware, the Prometheus exporter's scrape endpoint), which the API explorer cannot see.
/// </summary>
public sealed class OperationsDocumentFilter : IDocumentFilter
{
    public const string Tag = "Operations";

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        Add(swaggerDoc, "/health/live", "Liveness: 200 with status Healthy while the process serves requests (no model or Redis entries; those are in /health/ready).", "application/json");
        Add(swaggerDoc, "/metrics", "Prometheus text exposition: requests, queue and compute durations, batch sizes, cache hits and misses, generation latencies.", "text/plain");
    }

    private static void Add(OpenApiDocument document, string path, string summary, string mediaType)
    {
        var operation = new OpenApiOperation
        {
            Summary = summary,
            Tags = new HashSet<OpenApiTagReference> { new(Tag, document) },
            Responses = new OpenApiResponses { ["200"] = new OpenApiResponse { Description = "OK", Content = new Dictionary<string, OpenApiMediaType> { [mediaType] = new() } } },
        };
        document.Paths[path] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = operation } };
    }
}
