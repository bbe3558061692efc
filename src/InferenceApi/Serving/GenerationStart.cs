using InferenceApi.Access;
using InferenceApi.Core.Generation;

namespace InferenceApi.Serving;

/// <summary>
/// What every generation endpoint asks of <see cref="GenerationGateway"/>: a model, one or more prompts, the sampling
/// settings as sent, and how many samples per prompt. <see cref="PromptField"/> and <see cref="MaxTokensField"/> are
/// the names this API's clients use, so that errors from the shared validator name fields the client actually sent.
/// A chat request also carries its <see cref="Messages"/>: the model renders them with its own chat template (its one
/// prompt is then the simple rendering, for the length check). <see cref="Tokens"/> is the caller's token quota, when
/// access control gives it one: the gateway reserves prompt plus the most the request may generate before it queues.
/// </summary>
public sealed record GenerationStart(
    string? Model,
    long? Version,
    IReadOnlyList<string> Prompts,
    SamplingRequest Sampling,
    int SamplesPerPrompt = 1,
    string PromptField = "prompt",
    string MaxTokensField = "max_new_tokens",
    IReadOnlyList<ChatTurn>? Messages = null)
{
    public TokenQuota? Tokens { get; init; }
}
