namespace InferenceApi.Serving;

/// <summary>One uploaded image's bytes and the request field it came in (for error messages).</summary>
public sealed record ImageInput(ReadOnlyMemory<byte> Bytes, string Field);
