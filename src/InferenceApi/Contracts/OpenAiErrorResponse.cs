namespace InferenceApi.Contracts;

/// <summary>An error as OpenAI answers it, on the OpenAI-compatible routes and in their streams: <c>{"error": {…}}</c>.</summary>
public sealed record OpenAiErrorResponse(OpenAiError Error);
