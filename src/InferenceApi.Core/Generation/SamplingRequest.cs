namespace InferenceApi.Core.Generation;

/// <summary>
/// Decoding parameters as a client sent them, unchecked; <c>null</c> means "not given". Only
/// <see cref="SamplingValidator"/> turns one into the <see cref="SamplingParameters"/> the decoder accepts. The numbers are
/// doubles, as JSON gives them: narrowed to float before they are checked, <c>1e39</c> would become infinity and the
/// error could no longer say what the client sent.
/// </summary>
public sealed record SamplingRequest
{
    /// <summary>0 means greedy; absent means the model's default (<see cref="GenerationDefaults"/>), else <see cref="DefaultTemperature"/>.</summary>
    public double? Temperature { get; init; }

    /// <summary>The endpoint's own default when neither the request nor the model sets a temperature: 1 (OpenAI), 0 on <c>/v1/generate</c>.</summary>
    public float DefaultTemperature { get; init; } = 1f;

    /// <summary>Absent means no top-k filter.</summary>
    public int? TopK { get; init; }

    /// <summary>Absent means 1 (no nucleus filter).</summary>
    public double? TopP { get; init; }

    /// <summary>Absent means 1 (no penalty).</summary>
    public double? RepetitionPenalty { get; init; }

    public ulong? Seed { get; init; }

    /// <summary>Absent means <see cref="SamplingLimits.DefaultMaxNewTokens"/>, cut to what the context leaves.</summary>
    public int? MaxNewTokens { get; init; }

    public IReadOnlyList<string>? StopSequences { get; init; }

    public bool ReturnLogprobs { get; init; }
}
