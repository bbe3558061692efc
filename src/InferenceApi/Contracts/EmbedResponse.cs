namespace InferenceApi.Contracts;

/// <summary>One vector per input, in input order.</summary>
public sealed record EmbedResponse(string Model, long Version, int Dimensions, IReadOnlyList<float[]> Embeddings, Usage Usage);
