using System.Runtime.InteropServices;
using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Tensors;

/// <summary>
/// Stacks tensors of the same element type and trailing dimensions along the first dimension. Parts that already
/// lie back to back in one buffer (the rows of one request, or of one batch's output) are joined without a copy.
/// </summary>
public static class TensorStack
{
    public static TensorValue Concat(IReadOnlyList<TensorValue> parts)
    {
        var first = parts[0];
        if (parts.Count == 1)
        {
            return first;
        }

        long rows = 0;
        foreach (var part in parts)
        {
            rows += part.Shape[0];
        }

        long[] shape = [rows, .. first.Shape.AsSpan(1)];
        if (first.Element == TensorElement.String)
        {
            return new TensorValue(first.Element, shape, ReadOnlyMemory<byte>.Empty, parts.SelectMany(p => p.Strings!).ToArray());
        }

        if (Contiguous(parts) is { } joined)
        {
            return new TensorValue(first.Element, shape, joined);
        }

        var data = new byte[parts.Sum(p => p.Data.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.Data.Span.CopyTo(data.AsSpan(offset));
            offset += part.Data.Length;
        }

        return new TensorValue(first.Element, shape, data);
    }

    /// <summary>The one slice that spans every part, when they are consecutive slices of the same array.</summary>
    private static ReadOnlyMemory<byte>? Contiguous(IReadOnlyList<TensorValue> parts)
    {
        if (!MemoryMarshal.TryGetArray(parts[0].Data, out var start) || start.Array is null)
        {
            return null;
        }

        var end = start.Offset + start.Count;
        for (var i = 1; i < parts.Count; i++)
        {
            if (!MemoryMarshal.TryGetArray(parts[i].Data, out var next) || next.Array != start.Array || next.Offset != end)
            {
                return null;
            }

            end += next.Count;
        }

        return start.Array.AsMemory(start.Offset, end - start.Offset);
    }
}
