namespace InferenceApi.LoadGen.Results;

/// <summary>Streaming figures (generate scenario): time to first token and gaps between tokens, ms; token rates.</summary>
public sealed record StreamStats(
    LatencyStats TimeToFirstTokenMs,
    LatencyStats InterTokenMs,
    long Tokens,
    double TokensPerSecond,
    double MeanTokensPerSecondPerStream);
