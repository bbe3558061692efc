namespace InferenceApi.Core.Generation;

/// <summary>A finished generation: its text (stop sequence excluded), why it ended, token counts, and the tokens when logprobs were asked for.</summary>
public sealed record GenerationOutcome(
    string Text,
    FinishReason FinishReason,
    int PromptTokens,
    int CompletionTokens,
    ulong Seed,
    IReadOnlyList<GeneratedToken>? Tokens);
