namespace InferenceApi.Contracts.KServe;

/// <summary>Answer of <c>/generate</c>; also each event of <c>/generate_stream</c>, where <see cref="TextOutput"/> is one token's text.</summary>
/// <param name="TextOutput">The generated text (stop sequence excluded), or in a stream the text one token released.</param>
/// <param name="ModelName">The model that answered.</param>
/// <param name="ModelVersion">The version that answered.</param>
/// <param name="Details">
/// When asked (<c>details: true</c>): on a whole answer, and on a stream's last event only, because the protocol's stream
/// details require the finish reason, which only the end knows.
/// </param>
/// <param name="Token">
/// A stream's token event, when asked (<c>details: true</c>): the token's id, text and logprob, beside the protocol's fields
/// as TGI's stream carries it (the protocol's stream response allows more fields).
/// </param>
public sealed record KServeGenerateResponse(string TextOutput, string ModelName, string ModelVersion, KServeGenerateDetails? Details, KServeGenerateToken? Token = null);
