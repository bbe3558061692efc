namespace InferenceApi.Contracts.KServe;

/// <summary>One generated token: its id, the text it released, its log-probability, and whether it is special (never: special tokens end generation and are not returned).</summary>
public sealed record KServeGenerateToken(int Id, string Text, float Logprob, bool Special);
