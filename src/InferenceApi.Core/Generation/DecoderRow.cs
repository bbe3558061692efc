namespace InferenceApi.Core.Generation;

/// <summary>
/// One sequence's part in a decoder step: its cache (the past) and the tokens it feeds now (the whole prompt
/// at prefill, one token per decode step; the whole history every step for a graph without past).
/// </summary>
public sealed record DecoderRow(SequenceCache Cache, IReadOnlyList<int> NewTokens, int FirstPosition);
