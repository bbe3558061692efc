namespace InferenceApi.Core.Backends;

/// <summary>
/// A tensor in host memory, in the layout every transport shares (ONNX Runtime, the KServe binary extension, gRPC
/// raw contents): <see cref="Data"/> holds the elements row-major and little-endian, without padding; string tensors
/// keep each element's UTF-8 bytes in <see cref="Strings"/> instead. The memory may be a slice of a larger buffer
/// (a request body, a batch's output), so that rows travel without copies.
/// </summary>
public sealed record TensorValue(TensorElement Element, long[] Shape, ReadOnlyMemory<byte> Data, IReadOnlyList<ReadOnlyMemory<byte>>? Strings = null)
{
    public long Count => TensorElements.Count(Shape);

    /// <summary>Elements per entry of the first dimension (1 for a rank-1 tensor).</summary>
    public long RowLength => Shape.Length == 0 ? 1 : TensorElements.Count(Shape.AsSpan(1).ToArray());

    /// <summary>The rows <paramref name="start"/>..+<paramref name="count"/> of the first dimension, sharing this tensor's memory.</summary>
    public TensorValue Rows(int start, int count)
    {
        var rowLength = checked((int)RowLength);
        long[] shape = [count, .. Shape.AsSpan(1)];
        if (Strings is { } strings)
        {
            return new TensorValue(Element, shape, ReadOnlyMemory<byte>.Empty, strings.Skip(start * rowLength).Take(count * rowLength).ToArray());
        }

        var rowBytes = rowLength * TensorElements.Size(Element);
        return new TensorValue(Element, shape, Data.Slice(start * rowBytes, count * rowBytes));
    }

    /// <summary>A tensor of <paramref name="shape"/> and zeros (empty strings), for warm-up runs.</summary>
    public static TensorValue Zeros(TensorElement element, long[] shape)
    {
        var count = checked((int)TensorElements.Count(shape));
        return element == TensorElement.String
            ? new TensorValue(element, shape, ReadOnlyMemory<byte>.Empty, Enumerable.Repeat(ReadOnlyMemory<byte>.Empty, count).ToArray())
            : new TensorValue(element, shape, new byte[count * TensorElements.Size(element)]);
    }
}
