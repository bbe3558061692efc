namespace InferenceApi.Core.Backends;

/// <summary>What the server knows about each <see cref="TensorElement"/>: its size in bytes.</summary>
public static class TensorElements
{
    /// <summary>Bytes per element in a little-endian buffer; 0 for strings (variable) and for Other (not served).</summary>
    public static int Size(TensorElement element) => element switch
    {
        TensorElement.Bool or TensorElement.Int8 or TensorElement.UInt8 => 1,
        TensorElement.Float16 or TensorElement.BFloat16 or TensorElement.Int16 or TensorElement.UInt16 => 2,
        TensorElement.Float32 or TensorElement.Int32 or TensorElement.UInt32 => 4,
        TensorElement.Float64 or TensorElement.Int64 or TensorElement.UInt64 => 8,
        _ => 0,
    };

    /// <summary>The element count of <paramref name="shape"/>, or -1 when a dimension is negative or the product passes <see cref="int.MaxValue"/>.</summary>
    public static long Count(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                return -1;
            }

            count *= dim;
            if (count > int.MaxValue)
            {
                return -1;
            }
        }

        return count;
    }
}
