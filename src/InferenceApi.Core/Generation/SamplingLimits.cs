namespace InferenceApi.Core.Generation;

/// <summary>Server-side bounds for <see cref="SamplingValidator"/>; one per served model.</summary>
/// <param name="VocabularySize">The model's vocabulary size; <c>top_k</c> may not exceed it.</param>
public sealed record SamplingLimits(int VocabularySize)
{
    /// <summary>The default of <see cref="MaxStopSequences"/>, for APIs that add stop sequences of their own.</summary>
    public const int DefaultMaxStopSequences = 4;

    /// <summary>Largest accepted <c>temperature</c>. Default 100: beyond it every distribution is uniform in practice.</summary>
    public float MaxTemperature { get; init; } = 100f;

    /// <summary>
    /// Most stop sequences per request. Default 4 (OpenAI's limit): each one is checked against every text piece,
    /// so more of them cost time per token.
    /// </summary>
    public int MaxStopSequences { get; init; } = DefaultMaxStopSequences;

    /// <summary>Longest stop sequence in characters. Default 64: the matcher holds back up to this much text.</summary>
    public int MaxStopSequenceLength { get; init; } = 64;

    /// <summary>
    /// <c>max_new_tokens</c> when the request gives none. Default 100, cut to what the context leaves after the prompt
    /// so that a request without the field never fails the context rule.
    /// </summary>
    public int DefaultMaxNewTokens { get; init; } = 100;

    /// <summary>
    /// Prompt + new tokens for a request without <c>max_new_tokens</c>, when the model's <c>generation_config.json</c>
    /// sets <c>max_length</c> (and no <c>max_new_tokens</c>); at least one new token, cut to the context. Null: use
    /// <see cref="DefaultMaxNewTokens"/>.
    /// </summary>
    public int? DefaultMaxLength { get; init; }
}
