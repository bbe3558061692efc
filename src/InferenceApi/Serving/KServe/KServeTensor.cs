using System.Text.Json;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// A validated input tensor: a supported datatype, a shape whose product equals the element count, and the
/// elements read into the one array that fits the datatype (<see cref="Integers"/> for INT64/INT32,
/// <see cref="Floats"/> for FP32, <see cref="Strings"/> for BYTES). <see cref="Field"/> names it in messages.
/// </summary>
public sealed record KServeTensor(
    int Index,
    string Name,
    string Datatype,
    long[] Shape,
    long[]? Integers,
    float[]? Floats,
    string[]? Strings,
    IReadOnlyDictionary<string, JsonElement>? Parameters)
{
    /// <summary>The tensor's place in the request, as a JSON path: <c>inputs[2]</c>.</summary>
    public string Field => $"inputs[{Index}]";

    public string ShapeText => FormatShape(Shape);

    public static string FormatShape(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";
}
