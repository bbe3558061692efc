using System.Text.Json.Serialization;

namespace InferenceApi.Contracts;

/// <summary>OpenAI's embeddings list. <c>embedding</c> is a float array, or a base64 string of little-endian float32 when asked.</summary>
public sealed record OpenAiEmbeddingsResponse(IReadOnlyList<OpenAiEmbedding> Data, string Model, Usage Usage)
{
    public string Object => "list";
}

/// <summary>One vector of an OpenAI embeddings list.</summary>
public sealed record OpenAiEmbedding(int Index, [property: JsonPropertyName("embedding")] object Embedding)
{
    public string Object => "embedding";
}
