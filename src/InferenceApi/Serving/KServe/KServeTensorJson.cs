using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Tensors;
using InferenceApi.Validation;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// Tensor elements as JSON, as the protocol sends them: numbers for the numeric types (FP16 and BF16 too, converted),
/// true/false for BOOL, strings for BYTES; flat or nested, row-major. Reading checks the count and each element
/// against its datatype's range; writing is always flat.
/// </summary>
public static class KServeTensorJson
{
    public static Result<TensorValue> Read(JsonElement data, TensorElement element, long[] shape, string field, string name)
    {
        var expected = (int)TensorElements.Count(shape);
        var size = TensorElements.Size(element);
        var reader = new Reader(element, expected, size);
        var count = reader.Walk(data);
        if (count != expected)
        {
            return InferenceError.Invalid(
                $"{field}.data",
                $"Input '{name}' has shape {KServeTensor.FormatShape(shape)}, which holds {expected} elements, but its data has {count}.",
                limit: expected,
                received: count);
        }

        if (reader.BadIndex is { } unreadable && reader.BadIsUnreadableText)
        {
            return JsonText.NotText($"{field}.data[{unreadable}]");
        }

        if (reader.BadIndex is { } bad)
        {
            var kind = element switch
            {
                TensorElement.String => "a string",
                TensorElement.Bool => "true or false",
                TensorElement.Float16 or TensorElement.BFloat16 or TensorElement.Float32 or TensorElement.Float64 => "a finite number in its range",
                _ => $"an integer within {TensorElementNames.Name(element)}'s range",
            };
            var shown = reader.BadText!.Length <= 32 ? reader.BadText : reader.BadText[..32] + "…";
            return InferenceError.Invalid(
                $"{field}.data[{bad}]",
                $"Input '{name}' is {TensorElementNames.Name(element)}, so every element must be {kind}; element {bad} (row-major) is {shown}.",
                received: shown);
        }

        return element == TensorElement.String
            ? new TensorValue(element, shape, ReadOnlyMemory<byte>.Empty, reader.Strings!)
            : new TensorValue(element, shape, reader.Bytes!);
    }

    /// <summary>Writes the elements as one flat JSON array.</summary>
    public static void Write(Utf8JsonWriter writer, TensorValue value)
    {
        writer.WriteStartArray();
        if (value.Strings is { } strings)
        {
            foreach (var text in strings)
            {
                writer.WriteStringValue(Encoding.UTF8.GetString(text.Span));
            }
        }
        else
        {
            var data = value.Data.Span;
            var size = TensorElements.Size(value.Element);
            for (var offset = 0; offset < data.Length; offset += size)
            {
                WriteElement(writer, value.Element, data.Slice(offset, size));
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteElement(Utf8JsonWriter writer, TensorElement element, ReadOnlySpan<byte> b)
    {
        switch (element)
        {
            case TensorElement.Bool: writer.WriteBooleanValue(b[0] != 0); break;
            case TensorElement.UInt8: writer.WriteNumberValue(b[0]); break;
            case TensorElement.Int8: writer.WriteNumberValue((sbyte)b[0]); break;
            case TensorElement.UInt16: writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(b)); break;
            case TensorElement.Int16: writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(b)); break;
            case TensorElement.UInt32: writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(b)); break;
            case TensorElement.Int32: writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(b)); break;
            case TensorElement.UInt64: writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(b)); break;
            case TensorElement.Int64: writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(b)); break;
            case TensorElement.Float16: writer.WriteNumberValue((float)BinaryPrimitives.ReadHalfLittleEndian(b)); break;
            case TensorElement.BFloat16: writer.WriteNumberValue(BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16)); break;
            case TensorElement.Float32: writer.WriteNumberValue(BinaryPrimitives.ReadSingleLittleEndian(b)); break;
            case TensorElement.Float64: writer.WriteNumberValue(BinaryPrimitives.ReadDoubleLittleEndian(b)); break;
            default: throw new ArgumentOutOfRangeException(nameof(element), element, null);
        }
    }

    /// <summary>Walks nested arrays once, storing elements while they fit the expected count and counting the rest.</summary>
    private sealed class Reader(TensorElement element, int expected, int size)
    {
        public byte[]? Bytes { get; } = element == TensorElement.String ? null : new byte[expected * size];

        public ReadOnlyMemory<byte>[]? Strings { get; } = element == TensorElement.String ? new ReadOnlyMemory<byte>[expected] : null;

        public int? BadIndex { get; private set; }

        public string? BadText { get; private set; }

        /// <summary>The bad element is a JSON string that is not valid Unicode (a lone surrogate, bytes that are not UTF-8).</summary>
        public bool BadIsUnreadableText { get; private set; }

        private int _count;

        public int Walk(JsonElement array)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                Store(array);
                return _count;
            }

            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Array)
                {
                    Walk(item);
                }
                else
                {
                    Store(item);
                }
            }

            return _count;
        }

        private void Store(JsonElement item)
        {
            var index = _count++;
            if (index >= expected || BadIndex is not null)
            {
                return;
            }

            if (!TryStore(item, index))
            {
                BadIndex = index;
                BadIsUnreadableText = element == TensorElement.String && item.ValueKind == JsonValueKind.String;
                BadText = JsonText.Excerpt(item, int.MaxValue);
            }
        }

        private bool TryStore(JsonElement item, int index)
        {
            if (element == TensorElement.String)
            {
                // A lone surrogate escape or invalid UTF-8 is not text: refused like any other wrong element.
                if (!JsonText.TryGetString(item, out var text))
                {
                    return false;
                }

                Strings![index] = Encoding.UTF8.GetBytes(text);
                return true;
            }

            var into = Bytes.AsSpan(index * size, size);
            if (element == TensorElement.Bool)
            {
                if (item.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return false;
                }

                into[0] = item.ValueKind == JsonValueKind.True ? (byte)1 : (byte)0;
                return true;
            }

            if (item.ValueKind != JsonValueKind.Number)
            {
                return false;
            }

            switch (element)
            {
                case TensorElement.Float32:
                    return item.TryGetSingle(out var f32) && float.IsFinite(f32) && Write(into, f32);
                case TensorElement.Float64:
                    return item.TryGetDouble(out var f64) && double.IsFinite(f64) && Write(into, f64);
                case TensorElement.Float16:
                    return item.TryGetSingle(out var f16) && Half.IsFinite((Half)f16) && Write(into, (Half)f16);
                case TensorElement.BFloat16:
                    return item.TryGetSingle(out var bf16) && float.IsFinite(bf16) && Write(into, BFloat16Bits(bf16));
                case TensorElement.UInt64:
                    return item.TryGetUInt64(out var u64) && Write(into, u64);
                default:
                    if (!item.TryGetInt64(out var integer))
                    {
                        return false;
                    }

                    return element switch
                    {
                        TensorElement.Int8 => integer is >= sbyte.MinValue and <= sbyte.MaxValue && Write(into, (byte)(sbyte)integer),
                        TensorElement.UInt8 => integer is >= 0 and <= byte.MaxValue && Write(into, (byte)integer),
                        TensorElement.Int16 => integer is >= short.MinValue and <= short.MaxValue && Write(into, (short)integer),
                        TensorElement.UInt16 => integer is >= 0 and <= ushort.MaxValue && Write(into, (ushort)integer),
                        TensorElement.Int32 => integer is >= int.MinValue and <= int.MaxValue && Write(into, (int)integer),
                        TensorElement.UInt32 => integer is >= 0 and <= uint.MaxValue && Write(into, (uint)integer),
                        _ => Write(into, integer),
                    };
            }
        }

        /// <summary>A float's nearest bfloat16 (round half to even), as its 16 bits.</summary>
        private static ushort BFloat16Bits(float value)
        {
            var bits = BitConverter.SingleToUInt32Bits(value);
            var rounding = 0x7FFFu + ((bits >> 16) & 1);
            return (ushort)((bits + rounding) >> 16);
        }

        private static bool Write(Span<byte> into, byte value)
        {
            into[0] = value;
            return true;
        }

        private static bool Write(Span<byte> into, short value) => BinaryPrimitives.TryWriteInt16LittleEndian(into, value);

        private static bool Write(Span<byte> into, ushort value) => BinaryPrimitives.TryWriteUInt16LittleEndian(into, value);

        private static bool Write(Span<byte> into, int value) => BinaryPrimitives.TryWriteInt32LittleEndian(into, value);

        private static bool Write(Span<byte> into, uint value) => BinaryPrimitives.TryWriteUInt32LittleEndian(into, value);

        private static bool Write(Span<byte> into, long value) => BinaryPrimitives.TryWriteInt64LittleEndian(into, value);

        private static bool Write(Span<byte> into, ulong value) => BinaryPrimitives.TryWriteUInt64LittleEndian(into, value);

        private static bool Write(Span<byte> into, Half value) => BinaryPrimitives.TryWriteHalfLittleEndian(into, value);

        private static bool Write(Span<byte> into, float value) => BinaryPrimitives.TryWriteSingleLittleEndian(into, value);

        private static bool Write(Span<byte> into, double value) => BinaryPrimitives.TryWriteDoubleLittleEndian(into, value);
    }
}
