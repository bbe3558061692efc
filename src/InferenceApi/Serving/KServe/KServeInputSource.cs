using System.Text.Json;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// An input tensor as a transport delivered it, before <see cref="KServeRequestValidator"/>: its declared name, shape
/// and datatype, and its elements in one of three forms: JSON <see cref="Json"/> data (REST), <see cref="Raw"/> bytes
/// (the binary extension, gRPC raw contents and typed contents), or BYTES <see cref="Elements"/> (gRPC bytes contents).
/// </summary>
public sealed record KServeInputSource(
    string? Name,
    IReadOnlyList<long>? Shape,
    string? Datatype,
    IReadOnlyDictionary<string, JsonElement>? Parameters,
    JsonElement? Json = null,
    ReadOnlyMemory<byte>? Raw = null,
    IReadOnlyList<ReadOnlyMemory<byte>>? Elements = null);
