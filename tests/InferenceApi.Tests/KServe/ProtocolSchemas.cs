using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace InferenceApi.Tests.KServe;

/// <summary>
/// The Open Inference Protocol's own OpenAPI documents (<c>KServe/Spec</c>, vendored unchanged) as JSON schemas per
/// operation and status, so a test can hold any REST answer of ours to the protocol's contract. The documents write
/// versioned paths (<c>/v2/models/${MODEL_NAME}/versions/${MODEL_VERSION}/infer</c>) while their prose makes the version
/// optional; both forms match here.
/// </summary>
internal sealed class ProtocolSchemas
{
    private const string SchemasPointer = "#/components/schemas/";

    private ProtocolSchemas(IReadOnlyList<ProtocolOperation> operations)
    {
        Operations = operations;
    }

    public static ProtocolSchemas Instance { get; } = Load(
        Path.Combine(AppContext.BaseDirectory, "KServe", "Spec", "open_inference_rest.yaml"),
        Path.Combine(AppContext.BaseDirectory, "KServe", "Spec", "generate_rest.yaml"));

    public IReadOnlyList<ProtocolOperation> Operations { get; }

    /// <summary>The documented operation for a request; null for routes the documents do not cover (the repository extension is Triton's).</summary>
    public ProtocolOperation? Find(string method, string path) =>
        Operations.FirstOrDefault(o => string.Equals(o.Method, method, StringComparison.OrdinalIgnoreCase) && o.Path.IsMatch(path));

    /// <summary>The schema's complaints about <paramref name="body"/>, one line each with where in the body; empty when it conforms.</summary>
    public static IReadOnlyList<string> Violations(JsonSchema schema, JsonElement body)
    {
        var result = schema.Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }

        return (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.EvaluationPath})"))
            .DefaultIfEmpty("does not conform")
            .ToList();
    }

    private static ProtocolSchemas Load(params string[] documents)
    {
        var operations = new List<ProtocolOperation>();
        foreach (var path in documents)
        {
            var document = YamlJson.Read(path)!.AsObject();
            var source = Path.GetFileName(path);
            var definitions = RewriteReferences(document["components"]!["schemas"]!.DeepClone());
            foreach (var (template, item) in document["paths"]!.AsObject())
            {
                foreach (var (method, operation) in item!.AsObject().Where(o => o.Key != "parameters"))
                {
                    var responses = new Dictionary<int, JsonSchema?>();
                    foreach (var (status, response) in operation!["responses"]!.AsObject())
                    {
                        var schema = response!["content"]?.AsObject().Select(c => c.Value!["schema"]).FirstOrDefault(s => s is not null);
                        responses[int.Parse(status, CultureInfo.InvariantCulture)] = schema is null ? null : Build(schema, definitions);
                    }

                    operations.Add(new ProtocolOperation(source, method.ToUpperInvariant(), template, PathPattern(template), responses));
                }
            }
        }

        return new ProtocolSchemas(operations);
    }

    /// <summary>A response schema as a JSON Schema 2020-12 document of its own, the document's schemas beside it under <c>$defs</c>.</summary>
    private static JsonSchema Build(JsonNode schema, JsonNode definitions)
    {
        var root = RewriteReferences(schema.DeepClone()).AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = definitions.DeepClone();
        return JsonSchema.FromText(root.ToJsonString());
    }

    private static JsonNode RewriteReferences(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value!.GetValue<string>().StartsWith(SchemasPointer, StringComparison.Ordinal))
                    {
                        obj[key] = "#/$defs/" + value.GetValue<string>()[SchemasPointer.Length..];
                    }
                    else if (value is not null)
                    {
                        RewriteReferences(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.Where(i => i is not null))
                {
                    RewriteReferences(item!);
                }

                break;
        }

        return node;
    }

    private static Regex PathPattern(string template)
    {
        var pattern = Regex.Escape(template)
            .Replace(@"/versions/\$\{MODEL_VERSION}", "(/versions/[^/]+)?", StringComparison.Ordinal)
            .Replace(@"\$\{MODEL_NAME}", "[^/]+", StringComparison.Ordinal);
        return new Regex($"^{pattern.TrimEnd('/')}/?$", RegexOptions.CultureInvariant);
    }
}
