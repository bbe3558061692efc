using InferenceApi.Core.Tokenization;

namespace InferenceApi.Contracts;

/// <summary>Tokens of each input with ids, text, and character offsets (stop exclusive).</summary>
public sealed record TokenizeResponse(string Model, long Version, IReadOnlyList<IReadOnlyList<TokenDetail>> Tokens);
