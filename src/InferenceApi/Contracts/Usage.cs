namespace InferenceApi.Contracts;

/// <summary>Token counts, as OpenAI reports them.</summary>
public sealed record Usage(int PromptTokens, int TotalTokens);
