using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace InferenceApi.Hosting;

/// <summary>Puts each endpoint's <see cref="RequestExample"/> into its OpenAPI request body, serialised exactly as the API reads it.</summary>
public sealed class RequestExamplesOperationFilter(IOptions<JsonOptions> json) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var example = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestExample>().FirstOrDefault();
        if (example is null || operation.RequestBody?.Content is not { } content)
        {
            return;
        }

        var node = JsonNode.Parse(JsonSerializer.Serialize(example.Value, example.Value.GetType(), json.Value.SerializerOptions));
        foreach (var media in content.Values)
        {
            media.Example = node?.DeepClone();
        }
    }
}
