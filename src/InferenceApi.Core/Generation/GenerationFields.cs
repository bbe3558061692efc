namespace InferenceApi.Core.Generation;

/// <summary>
/// What the client's API calls the prompt and the new-token limit, so that prompt and sampling errors name the fields
/// the client sent from the start: <c>inputs</c>/<c>max_new_tokens</c> in text-generation-inference's words,
/// <c>prompt</c> (or <c>prompt[2]</c>) or <c>messages</c>, and <c>max_tokens</c> or <c>max_completion_tokens</c> on OpenAI's.
/// </summary>
public sealed record GenerationFields(string Prompt, string MaxNewTokens)
{
    /// <summary>text-generation-inference's names.</summary>
    public static GenerationFields Tgi { get; } = new("inputs", "max_new_tokens");
}
