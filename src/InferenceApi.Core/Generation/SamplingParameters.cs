namespace InferenceApi.Core.Generation;

/// <summary>
/// Decoding parameters that passed <see cref="SamplingValidator"/>: every value is in range and the prompt plus
/// <see cref="MaxNewTokens"/> fits the context. Only the validator creates one, so the decoder trusts it.
/// </summary>
public sealed record SamplingParameters
{
    internal SamplingParameters(
        float temperature,
        int? topK,
        float topP,
        float repetitionPenalty,
        ulong? seed,
        int maxNewTokens,
        IReadOnlyList<string> stopSequences,
        bool returnLogprobs)
    {
        Temperature = temperature;
        TopK = topK;
        TopP = topP;
        RepetitionPenalty = repetitionPenalty;
        Seed = seed;
        MaxNewTokens = maxNewTokens;
        StopSequences = stopSequences;
        ReturnLogprobs = returnLogprobs;
    }

    /// <summary>0 means greedy (argmax); otherwise logits are divided by it before sampling.</summary>
    public float Temperature { get; }

    /// <summary>Keep only the k most likely tokens; <c>null</c> means no filter.</summary>
    public int? TopK { get; }

    /// <summary>Keep the smallest set of most likely tokens whose probability reaches this; 1 means no filter.</summary>
    public float TopP { get; }

    /// <summary>transformers' repetition penalty over prompt and generated tokens; 1 means none.</summary>
    public float RepetitionPenalty { get; }

    /// <summary>The client's seed; <c>null</c> means the sampler draws one (and the result is not reproducible).</summary>
    public ulong? Seed { get; }

    public int MaxNewTokens { get; }

    public IReadOnlyList<string> StopSequences { get; }

    public bool ReturnLogprobs { get; }

    /// <summary>Greedy decoding: the result depends only on the prompt, never on a seed.</summary>
    public bool IsGreedy => Temperature == 0f;

    /// <summary>Same prompt, same output: greedy or seeded. Such results may be cached.</summary>
    public bool IsDeterministic => IsGreedy || Seed is not null;
}
