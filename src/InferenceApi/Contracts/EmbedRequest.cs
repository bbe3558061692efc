using System.Text.Json.Serialization;
using InferenceApi.Access;

namespace InferenceApi.Contracts;

/// <summary>Body of <c>POST /v1/embed</c>.</summary>
/// <param name="Model">A feature-extraction model.</param>
/// <param name="Inputs">One text or a list of texts.</param>
/// <param name="Normalize">L2-normalise the vectors (default: the model's setting, normally true).</param>
/// <param name="Truncate">Cut texts longer than the model's maximum instead of answering 422.</param>
/// <param name="Version">Pin a model version.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EmbedRequest(string? Model, TextInputs? Inputs, bool? Normalize, bool? Truncate, long? Version) : IModelRequest;
