namespace InferenceApi.Contracts;

/// <summary>OpenAI's <c>stream_options</c>: <c>include_usage</c> adds a last chunk with empty choices and the usage.</summary>
public sealed record OpenAiStreamOptions(bool? IncludeUsage);
