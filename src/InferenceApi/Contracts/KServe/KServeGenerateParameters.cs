using System.Text.Json.Serialization;

namespace InferenceApi.Contracts.KServe;

/// <summary>The generate extension's parameters; an unknown one is refused rather than silently ignored.</summary>
/// <param name="Temperature">Sampling temperature (default 1, as the protocol says; 0 is greedy).</param>
/// <param name="TopP">Nucleus sampling mass, in (0, 1].</param>
/// <param name="TopK">Sample among the k likeliest tokens.</param>
/// <param name="MaxTokens">Most tokens to generate (default 20, as the protocol says).</param>
/// <param name="Stop">Stop when the text contains one of these (not included).</param>
/// <param name="Details">Add <c>details</c>: the finish reason and each token's id, text and log-probability.</param>
/// <param name="Seed">Makes sampling reproducible.</param>
/// <param name="RepetitionPenalty">Above 1 discourages tokens already in the text.</param>
/// <param name="Stream">Accepted for Triton's clients; the route (<c>generate</c> or <c>generate_stream</c>) decides.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record KServeGenerateParameters(
    double? Temperature,
    double? TopP,
    int? TopK,
    int? MaxTokens,
    IReadOnlyList<string>? Stop,
    bool? Details,
    ulong? Seed,
    double? RepetitionPenalty,
    bool? Stream);
