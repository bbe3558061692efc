using System.Text.Json.Serialization;
using InferenceApi.Access;

namespace InferenceApi.Contracts;

/// <summary>Body of <c>POST /v1/classify</c>.</summary>
/// <param name="Model">The model name, as listed by <c>GET /v1/models</c>.</param>
/// <param name="Inputs">One text or a list of texts.</param>
/// <param name="TopK">Return only the best k labels per text (default: all).</param>
/// <param name="Truncate">Cut texts longer than the model's maximum instead of answering 422.</param>
/// <param name="Version">Pin a model version; default: the highest ready one.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ClassifyRequest(string? Model, TextInputs? Inputs, int? TopK, bool? Truncate, long? Version) : IModelRequest;
