using System.Text.Json.Serialization;

namespace InferenceApi.Contracts;

/// <summary>A non-streamed <c>chat.completion</c>.</summary>
public sealed record OpenAiChatCompletion(string Id, long Created, string Model, IReadOnlyList<OpenAiChatChoice> Choices, GenerationUsage Usage)
{
    public string Object => "chat.completion";
}

/// <summary>One answer of a chat completion.</summary>
public sealed record OpenAiChatChoice(int Index, OpenAiChatDelta Message, string FinishReason)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs => null;
}

/// <summary>A message (whole) or a delta (streamed): <c>role</c> only where it is said, <c>content</c> the text or a piece of it.</summary>
public sealed record OpenAiChatDelta(string? Role, string? Content);

/// <summary>A streamed <c>chat.completion.chunk</c>; the optional last one has no choices and the usage.</summary>
public sealed record OpenAiChatChunk(string Id, long Created, string Model, IReadOnlyList<OpenAiChatChunkChoice> Choices, GenerationUsage? Usage)
{
    public string Object => "chat.completion.chunk";
}

/// <summary>One choice's step in a chunk; <c>finish_reason</c> is null until its last chunk.</summary>
public sealed record OpenAiChatChunkChoice(
    int Index,
    OpenAiChatDelta Delta,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason);
