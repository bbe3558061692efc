using InferenceApi.Access;

namespace InferenceApi.Contracts;

/// <summary>
/// OpenAI's <c>POST /v1/embeddings</c> body. Unknown fields are accepted, as OpenAI clients send some
/// (<c>user</c>) that change nothing here.
/// </summary>
public sealed record OpenAiEmbeddingsRequest(string? Model, TextInputs? Input, string? EncodingFormat, int? Dimensions, string? User) : IModelRequest;
