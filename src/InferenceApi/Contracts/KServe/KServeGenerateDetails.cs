namespace InferenceApi.Contracts.KServe;

/// <summary>
/// The generate extension's details. A whole answer has <see cref="FinishReason"/> and <see cref="Logprobs"/>; a stream's
/// last event has the finish reason with the last token (its token events carry their token outside the details).
/// </summary>
/// <param name="FinishReason"><c>length</c>, <c>eos_token</c> or <c>stop_sequence</c>.</param>
/// <param name="Logprobs">Every generated token, in order.</param>
/// <param name="Token">A streamed token.</param>
public sealed record KServeGenerateDetails(string? FinishReason, IReadOnlyList<KServeGenerateToken>? Logprobs, KServeGenerateToken? Token);
