using System.Text.RegularExpressions;
using Json.Schema;

namespace InferenceApi.Tests.KServe;

/// <summary>
/// One operation of the protocol's OpenAPI documents: its method, the paths it covers, and the JSON schema of each
/// response status it documents (null where the status has no body, as <c>200</c> of the health routes).
/// </summary>
internal sealed record ProtocolOperation(string Source, string Method, string Template, Regex Path, IReadOnlyDictionary<int, JsonSchema?> Responses)
{
    /// <summary>
    /// The schema a response with <paramref name="status"/> must meet: the documented one; for an error status the
    /// document does not list, the operation's documented error body (the protocol's prose gives every failure the one
    /// error object); null when the operation documents no body for it.
    /// </summary>
    public JsonSchema? SchemaFor(int status) =>
        Responses.TryGetValue(status, out var documented) ? documented : status >= 400 ? ErrorSchema : null;

    /// <summary>The operation's documented error body (its lowest documented error status), for errors it does not list and for error events of a stream.</summary>
    public JsonSchema? ErrorSchema => Responses.Where(r => r.Key >= 400 && r.Value is not null).OrderBy(r => r.Key).Select(r => r.Value).FirstOrDefault();
}
