using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using InferenceApi.Core.Backends;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// A validated input tensor, whichever way it came (JSON data, the binary extension, gRPC contents or raw bytes): a
/// supported datatype, a shape whose product equals the element count, and the elements as a <see cref="TensorValue"/>.
/// <see cref="Integers"/>, <see cref="Floats"/> and <see cref="Strings"/> read them as the adapters of text and image
/// models need; <see cref="Field"/> names the tensor in messages.
/// </summary>
public sealed class KServeTensor(int index, string name, string datatype, TensorValue value, IReadOnlyDictionary<string, JsonElement>? parameters, bool binary)
{
    private long[]? _integers;
    private float[]? _floats;
    private string[]? _strings;

    public int Index { get; } = index;

    public string Name { get; } = name;

    public string Datatype { get; } = datatype;

    public long[] Shape => Value.Shape;

    public TensorValue Value { get; } = value;

    public IReadOnlyDictionary<string, JsonElement>? Parameters { get; } = parameters;

    /// <summary>True when the elements came as bytes (binary extension, gRPC), so BYTES elements are raw bytes rather than JSON strings.</summary>
    public bool IsBinary { get; } = binary;

    /// <summary>The tensor's place in the request, as a JSON path: <c>inputs[2]</c>.</summary>
    public string Field => $"inputs[{Index}]";

    public string ShapeText => FormatShape(Shape);

    /// <summary>The elements of an INT64 or INT32 tensor; null for other datatypes.</summary>
    public long[]? Integers => _integers ??= Value.Element switch
    {
        TensorElement.Int64 => Read(8, static b => BinaryPrimitives.ReadInt64LittleEndian(b)),
        TensorElement.Int32 => Read(4, static b => (long)BinaryPrimitives.ReadInt32LittleEndian(b)),
        _ => (long[]?)null,
    };

    /// <summary>The elements of an FP32 tensor; null for other datatypes.</summary>
    public float[]? Floats => _floats ??= Value.Element == TensorElement.Float32
        ? Read(4, static b => BinaryPrimitives.ReadSingleLittleEndian(b))
        : null;

    /// <summary>The elements of a BYTES tensor as UTF-8 text; null for other datatypes.</summary>
    public string[]? Strings => _strings ??= Value.Strings?.Select(s => Encoding.UTF8.GetString(s.Span)).ToArray();

    public static string FormatShape(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";

    private T[] Read<T>(int size, ReadElement<T> read)
    {
        var data = Value.Data.Span;
        var values = new T[data.Length / size];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = read(data.Slice(i * size, size));
        }

        return values;
    }

    private delegate T ReadElement<out T>(ReadOnlySpan<byte> bytes);
}
