using System.Text.Json.Serialization;
using InferenceApi.Access;

namespace InferenceApi.Contracts;

/// <summary>Body of <c>POST /v1/generate</c> (TGI-like).</summary>
/// <param name="Model">A text-generation model.</param>
/// <param name="Prompt">The text to continue.</param>
/// <param name="MaxNewTokens">Most tokens to generate (default 64); prompt + this must fit the model's context.</param>
/// <param name="Temperature">0 (default) is greedy; higher samples more freely.</param>
/// <param name="TopK">Sample among the k likeliest tokens.</param>
/// <param name="TopP">Sample among the likeliest tokens whose probabilities add up to p.</param>
/// <param name="RepetitionPenalty">Above 1 discourages tokens already in the text (1 = off).</param>
/// <param name="Stop">Stop when the generated text contains one of these (not included in the output).</param>
/// <param name="Seed">Makes sampling reproducible.</param>
/// <param name="Stream">Answer with server-sent events, one per token, then a final event.</param>
/// <param name="Logprobs">Return each token's log-probability.</param>
/// <param name="Version">Pin a model version.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GenerateRequest(
    string? Model,
    string? Prompt,
    int? MaxNewTokens,
    double? Temperature,
    int? TopK,
    double? TopP,
    double? RepetitionPenalty,
    IReadOnlyList<string>? Stop,
    ulong? Seed,
    bool? Stream,
    bool? Logprobs,
    long? Version) : IModelRequest;
