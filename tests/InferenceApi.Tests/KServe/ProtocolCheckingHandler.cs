using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace InferenceApi.Tests.KServe;

/// <summary>
/// Holds every <c>/v2</c> answer a test client receives to the protocol's OpenAPI schemas (<see cref="ProtocolSchemas"/>)
/// before the test reads it, and fails the test on a violation, naming the route, status and what is wrong. JSON bodies
/// are checked whole; the binary tensor extension's JSON header is checked with its binary outputs, which carry
/// <c>binary_data_size</c> in place of <c>data</c> by that extension; each event of a <c>generate_stream</c> answer is
/// checked on its own. Routes the documents do not define (Triton's repository extension) pass unchecked.
/// </summary>
public sealed class ProtocolCheckingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString.Split('?')[0];
        if (!path.StartsWith("/v2", StringComparison.Ordinal) || ProtocolSchemas.Instance.Find(request.Method.Method, path) is not { } operation
            || operation.SchemaFor((int)response.StatusCode) is not { } schema)
        {
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var where = $"{request.Method} {path} answered {(int)response.StatusCode}";
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var violations = new List<string>();
        if (mediaType == "text/event-stream")
        {
            foreach (var data in Encoding.UTF8.GetString(bytes).Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)))
            {
                // An error after the stream began cannot change the status: the event is the documented error body.
                var json = data["data:".Length..].Trim();
                var eventSchema = json.StartsWith("{\"error\"", StringComparison.Ordinal) ? operation.ErrorSchema ?? schema : schema;
                violations.AddRange(Check(eventSchema, Encoding.UTF8.GetBytes(json), binary: false));
            }
        }
        else if (response.Headers.TryGetValues("Inference-Header-Content-Length", out var lengths))
        {
            var length = int.Parse(lengths.Single(), CultureInfo.InvariantCulture);
            violations.AddRange(Check(schema, bytes.AsSpan(0, length).ToArray(), binary: true));
        }
        else if (mediaType is "application/json" or "application/problem+json")
        {
            violations.AddRange(Check(schema, bytes, binary: false));
        }
        else
        {
            violations.Add($"a {mediaType ?? "bodiless"} answer where {operation.Source} defines a JSON body");
        }

        if (violations.Count > 0)
        {
            Assert.Fail($"{where}, against {operation.Source} {operation.Template}:{Environment.NewLine}{string.Join(Environment.NewLine, violations)}{Environment.NewLine}Body: {Encoding.UTF8.GetString(bytes)}");
        }

        return response;
    }

    private static IReadOnlyList<string> Check(JsonSchema schema, byte[] json, bool binary)
    {
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(json);
        }
        catch (JsonException exception)
        {
            return [$"not JSON: {exception.Message}"];
        }

        if (binary && body?["outputs"] is JsonArray outputs)
        {
            var problems = new List<string>();
            foreach (var output in outputs.OfType<JsonObject>().Where(o => o["parameters"]?["binary_data_size"] is not null))
            {
                // The binary extension's rule: the bytes follow the header, so the output has no data field; the schema still sees one.
                if (output.ContainsKey("data"))
                {
                    problems.Add($"output {output["name"]}: binary_data_size and data both present");
                }

                output["data"] = new JsonArray();
            }

            if (problems.Count > 0)
            {
                return problems;
            }
        }

        using var document = JsonDocument.Parse(body?.ToJsonString() ?? "null");
        return ProtocolSchemas.Violations(schema, document.RootElement);
    }
}
