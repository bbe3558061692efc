using InferenceApi.Access;

namespace InferenceApi.Contracts;

/// <summary>
/// OpenAI's legacy <c>POST /v1/completions</c> body. Unknown fields are accepted, as OpenAI clients send some
/// (<c>presence_penalty</c>, <c>logit_bias</c>, …) that this server does not implement.
/// </summary>
/// <param name="Model">A text-generation model.</param>
/// <param name="Prompt">A string, or an array of strings (one set of <c>n</c> choices per prompt).</param>
/// <param name="MaxTokens">Most tokens per choice (default 16, as OpenAI's); prompt + this must fit the model's context.</param>
/// <param name="Temperature">Default 1 (as OpenAI's); 0 is greedy.</param>
/// <param name="TopP">Nucleus sampling, default 1.</param>
/// <param name="N">Choices per prompt, 1 to 8 (default 1).</param>
/// <param name="Stop">A string or up to 4 strings; the text stops before them.</param>
/// <param name="Seed">Makes sampling reproducible; sample i of a prompt uses seed + i.</param>
/// <param name="Stream">Answer with server-sent events <c>data: {chunk}</c>, then <c>data: [DONE]</c>.</param>
/// <param name="StreamOptions"><c>include_usage</c> adds a usage chunk before <c>[DONE]</c>.</param>
/// <param name="Logprobs">Any value 0..5 returns each token's log-probability (<c>top_logprobs</c> is always null).</param>
/// <param name="Echo">Not supported: only false.</param>
/// <param name="User">Accepted and ignored.</param>
public sealed record OpenAiCompletionRequest(
    string? Model,
    TextInputs? Prompt,
    int? MaxTokens,
    double? Temperature,
    double? TopP,
    int? N,
    TextInputs? Stop,
    ulong? Seed,
    bool? Stream,
    OpenAiStreamOptions? StreamOptions,
    int? Logprobs,
    bool? Echo,
    string? User) : IModelRequest;
