namespace InferenceApi.Contracts;

/// <summary>The answer of a non-streaming <c>POST /v1/generate</c>.</summary>
public sealed record GenerateResponse(
    string Model,
    long Version,
    string GeneratedText,
    string FinishReason,
    GenerationUsage Usage,
    IReadOnlyList<GeneratedTokenInfo>? Tokens);

/// <summary>Token counts of one generation, as OpenAI reports them.</summary>
public sealed record GenerationUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

/// <summary>One generated token: id, the text it released, and its log-probability.</summary>
public sealed record GeneratedTokenInfo(int Id, string Text, float? Logprob);

/// <summary>A streamed token event.</summary>
public sealed record GenerateStreamToken(int Index, GeneratedTokenInfo Token);

/// <summary>The last streamed event: the whole text, why it ended, and usage.</summary>
public sealed record GenerateStreamEnd(string GeneratedText, string FinishReason, GenerationUsage Usage);
