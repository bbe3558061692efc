using System.Text.Json.Serialization;

namespace InferenceApi.Contracts;

/// <summary>
/// A <c>text_completion</c>: the whole answer, or one streamed chunk of it (then <see cref="Usage"/> is absent, or
/// <see cref="Choices"/> is empty in the last chunk that carries the usage).
/// </summary>
public sealed record OpenAiCompletion(string Id, long Created, string Model, IReadOnlyList<OpenAiCompletionChoice> Choices, GenerationUsage? Usage)
{
    public string Object => "text_completion";
}

/// <summary>One choice; <c>finish_reason</c> and <c>logprobs</c> are written even when null, as OpenAI does.</summary>
public sealed record OpenAiCompletionChoice(
    int Index,
    string Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] OpenAiCompletionLogprobs? Logprobs);

/// <summary>
/// OpenAI's legacy logprobs: per token its text, log-probability and offset in prompt + completion. A token's text is
/// what it released, which may be empty while a character spans tokens; alternatives are not computed.
/// </summary>
public sealed record OpenAiCompletionLogprobs(
    IReadOnlyList<string> Tokens,
    IReadOnlyList<float> TokenLogprobs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] object? TopLogprobs,
    IReadOnlyList<int> TextOffset);
