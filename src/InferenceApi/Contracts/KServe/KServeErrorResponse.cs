namespace InferenceApi.Contracts.KServe;

/// <summary>The Open Inference Protocol's error body, used by every <c>/v2</c> route: <c>{"error": "message"}</c>.</summary>
/// <param name="Error">What went wrong and what to change.</param>
public sealed record KServeErrorResponse(string Error);
