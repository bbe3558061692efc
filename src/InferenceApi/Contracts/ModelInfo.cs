namespace InferenceApi.Contracts;

/// <summary>
/// A model as <c>GET /v1/models</c> lists it: OpenAI's fields (<c>id</c>, <c>object</c>, <c>created</c>,
/// <c>owned_by</c>) so OpenAI clients can list models, plus ours.
/// </summary>
public sealed record ModelInfo(
    string Id,
    long Created,
    string? Task,
    string Status,
    long? ServingVersion,
    IReadOnlyList<ModelVersionInfo> Versions)
{
    public string Object => "model";

    public string OwnedBy => "inference-api";
}
