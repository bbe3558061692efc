using System.Buffers.Binary;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Errors;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// Tensor elements as raw bytes, the layout of the binary tensor extension and of gRPC's raw contents: little-endian,
/// row-major, no padding; BOOL one byte each; BYTES elements each a 4-byte little-endian length and then the bytes.
/// </summary>
public static class KServeTensorBinary
{
    private const int LengthPrefix = sizeof(uint);

    public static Result<TensorValue> Read(ReadOnlyMemory<byte> bytes, TensorElement element, long[] shape, string field, string name)
    {
        var count = (int)TensorElements.Count(shape);
        if (element != TensorElement.String)
        {
            var expected = (long)count * TensorElements.Size(element);
            return bytes.Length == expected
                ? new TensorValue(element, shape, bytes)
                : InferenceError.Invalid(
                    field,
                    $"Input '{name}' is {KServeDatatype.Of(element)} of shape {KServeTensor.FormatShape(shape)}, which takes {expected} bytes, but it has {bytes.Length}.",
                    limit: expected,
                    received: bytes.Length);
        }

        var strings = new List<ReadOnlyMemory<byte>>(Math.Min(count, 1 << 16));
        var offset = 0;
        var span = bytes.Span;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < LengthPrefix)
            {
                return InferenceError.Invalid(field, $"Input '{name}' (BYTES) ends in the middle of an element's 4-byte length, at byte {offset}.", received: bytes.Length);
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);
            offset += LengthPrefix;
            if (length > bytes.Length - offset)
            {
                return InferenceError.Invalid(field, $"Input '{name}' (BYTES): element {strings.Count} says {length} bytes but only {bytes.Length - offset} remain.", received: length);
            }

            strings.Add(bytes.Slice(offset, (int)length));
            offset += (int)length;
        }

        return strings.Count == count
            ? new TensorValue(element, shape, ReadOnlyMemory<byte>.Empty, strings)
            : InferenceError.Invalid(
                field,
                $"Input '{name}' has shape {KServeTensor.FormatShape(shape)}, which holds {count} elements, but its bytes hold {strings.Count}.",
                limit: count,
                received: strings.Count);
    }

    /// <summary>How many bytes <see cref="Bytes"/> holds for <paramref name="value"/>.</summary>
    public static long Size(TensorValue value) =>
        value.Strings is { } strings ? strings.Sum(s => (long)LengthPrefix + s.Length) : value.Data.Length;

    /// <summary>The tensor's bytes in this layout: its own memory for numeric types, a new array for BYTES.</summary>
    public static ReadOnlyMemory<byte> Bytes(TensorValue value)
    {
        if (value.Strings is not { } strings)
        {
            return value.Data;
        }

        var bytes = new byte[Size(value)];
        var offset = 0;
        foreach (var element in strings)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)element.Length);
            element.Span.CopyTo(bytes.AsSpan(offset + LengthPrefix));
            offset += LengthPrefix + element.Length;
        }

        return bytes;
    }
}
