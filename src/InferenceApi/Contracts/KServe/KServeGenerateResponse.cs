namespace InferenceApi.Contracts.KServe;

/// <summary>Answer of <c>/generate</c>; also each event of <c>/generate_stream</c>, where <see cref="TextOutput"/> is one token's text.</summary>
/// <param name="TextOutput">The generated text (stop sequence excluded), or in a stream the text one token released.</param>
/// <param name="ModelName">The model that answered.</param>
/// <param name="ModelVersion">The version that answered.</param>
/// <param name="Details">When asked (<c>details: true</c>).</param>
public sealed record KServeGenerateResponse(string TextOutput, string ModelName, string ModelVersion, KServeGenerateDetails? Details);
