using System.Text.Json;
using InferenceApi.Access;

namespace InferenceApi.Contracts;

/// <summary>
/// OpenAI's <c>POST /v1/chat/completions</c> body. Unknown fields are accepted, as OpenAI clients send some that
/// this server does not implement.
/// </summary>
/// <param name="Model">A text-generation model.</param>
/// <param name="Messages">The conversation: roles system (or developer), user, assistant; content a string or text parts.</param>
/// <param name="MaxTokens">Older name of <paramref name="MaxCompletionTokens"/>.</param>
/// <param name="MaxCompletionTokens">Most tokens per choice; default: what the context leaves, at most 100.</param>
/// <param name="Temperature">Default 1 (as OpenAI's); 0 is greedy.</param>
/// <param name="TopP">Nucleus sampling, default 1.</param>
/// <param name="N">Choices, 1 to 8 (default 1).</param>
/// <param name="Stop">A string or up to 3 strings (the chat template adds its own).</param>
/// <param name="Seed">Makes sampling reproducible; choice i uses seed + i.</param>
/// <param name="Stream">Answer with <c>chat.completion.chunk</c> server-sent events, then <c>data: [DONE]</c>.</param>
/// <param name="StreamOptions"><c>include_usage</c> adds a usage chunk before <c>[DONE]</c>.</param>
/// <param name="User">Accepted and ignored.</param>
public sealed record OpenAiChatRequest(
    string? Model,
    IReadOnlyList<OpenAiChatMessage>? Messages,
    int? MaxTokens,
    int? MaxCompletionTokens,
    double? Temperature,
    double? TopP,
    int? N,
    TextInputs? Stop,
    ulong? Seed,
    bool? Stream,
    OpenAiStreamOptions? StreamOptions,
    string? User) : IModelRequest;

/// <summary>One chat message as sent; <see cref="Content"/> is checked by the endpoint so errors can name <c>messages[i].content</c>.</summary>
public sealed record OpenAiChatMessage(string? Role, JsonElement? Content, string? Name);
