using System.Text.Json.Serialization;

namespace InferenceApi.Contracts.KServe;

/// <summary>Body of <c>POST /v2/models/{name}[/versions/{version}]/generate</c> and <c>/generate_stream</c> (the protocol's generate extension).</summary>
/// <param name="TextInput">The text to continue.</param>
/// <param name="Parameters">Sampling and output settings.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record KServeGenerateRequest(string? TextInput, KServeGenerateParameters? Parameters);
