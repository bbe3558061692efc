using System.Text.Json.Serialization;
using InferenceApi.Access;

namespace InferenceApi.Contracts;

/// <summary>Body of <c>POST /v1/tokenize</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TokenizeRequest(string? Model, TextInputs? Inputs, bool? Truncate, long? Version) : IModelRequest;
