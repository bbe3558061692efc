using System.Text.Json.Serialization;
using InferenceApi.Access;

namespace InferenceApi.Contracts;

/// <summary>Body of <c>POST /v1/detokenize</c>: lists of token ids.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DetokenizeRequest(string? Model, IReadOnlyList<IReadOnlyList<int>>? Ids, bool? SkipSpecialTokens, long? Version) : IModelRequest;
