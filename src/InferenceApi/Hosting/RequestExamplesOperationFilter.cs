using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace InferenceApi.Hosting;

/// <summary>
/// Puts each endpoint's <see cref="RequestExample"/> into its OpenAPI request body, serialised exactly as the API
/// reads it, and each <see cref="RouteExample"/> into the route parameter it names, so "Try it out" works as is.
/// </summary>
public sealed class RequestExamplesOperationFilter(IOptions<JsonOptions> json) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        foreach (var route in metadata.OfType<RouteExample>())
        {
            var parameter = operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.In == ParameterLocation.Path && p.Name == route.Parameter);
            parameter?.Example = JsonValue.Create(route.Value);
        }

        var example = metadata.OfType<RequestExample>().FirstOrDefault();
        if (example is null || operation.RequestBody?.Content is not { } content)
        {
            return;
        }

        var node = JsonNode.Parse(JsonSerializer.Serialize(example.Value, example.Value.GetType(), json.Value.SerializerOptions));
        // A JSON body means nothing to a multipart form, whose fields Swagger UI lays out from the schema.
        foreach (var media in content.Where(c => c.Key.Contains("json", StringComparison.Ordinal)).Select(c => c.Value))
        {
            media.Example = node?.DeepClone();
        }
    }
}
