using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Tensors;
using InferenceApi.Grpc;
using InferenceApi.Serving.KServe;

namespace InferenceApi.Endpoints;

/// <summary>
/// The gRPC messages and the protocol's transport-neutral types, both ways: each input's typed contents (or its entry
/// of raw_input_contents) becomes a <see cref="KServeInputSource"/>; each output becomes typed contents, or raw bytes
/// when the request sent raw bytes or an output is FP16/BF16 (which have no typed field).
/// </summary>
public static class KServeGrpcMapper
{
    public static Result<KServeInputSource[]> Inputs(ModelInferRequest request)
    {
        var raw = request.RawInputContents;
        if (raw.Count > 0 && raw.Count != request.Inputs.Count)
        {
            return InferenceError.Invalid("raw_input_contents", $"raw_input_contents has {raw.Count} entries for {request.Inputs.Count} inputs; it needs one per input, in input order.", limit: request.Inputs.Count, received: raw.Count);
        }

        var sources = new KServeInputSource[request.Inputs.Count];
        for (var i = 0; i < sources.Length; i++)
        {
            var input = request.Inputs[i];
            var field = $"inputs[{i}]";
            var parameters = Parameters(input.Parameters);
            if (raw.Count > 0)
            {
                if (input.Contents is not null)
                {
                    return InferenceError.Invalid($"{field}.contents", "A request with raw_input_contents must not also set contents on an input.");
                }

                sources[i] = new KServeInputSource(input.Name, input.Shape, input.Datatype, parameters, Raw: raw[i].Memory);
                continue;
            }

            var contents = Contents(input, field);
            if (!contents.IsSuccess)
            {
                return contents.Error;
            }

            sources[i] = contents.Value;
        }

        return sources;
    }

    public static IReadOnlyDictionary<string, JsonElement>? Parameters(MapField<string, InferParameter> parameters)
    {
        if (parameters.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<string, JsonElement>(parameters.Count, StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            result[name] = value.ParameterChoiceCase switch
            {
                InferParameter.ParameterChoiceOneofCase.BoolParam => JsonSerializer.SerializeToElement(value.BoolParam),
                InferParameter.ParameterChoiceOneofCase.Int64Param => JsonSerializer.SerializeToElement(value.Int64Param),
                InferParameter.ParameterChoiceOneofCase.Uint64Param => JsonSerializer.SerializeToElement(value.Uint64Param),
                InferParameter.ParameterChoiceOneofCase.DoubleParam => JsonSerializer.SerializeToElement(value.DoubleParam),
                InferParameter.ParameterChoiceOneofCase.StringParam => JsonSerializer.SerializeToElement(value.StringParam),
                _ => JsonSerializer.SerializeToElement<object?>(null),
            };
        }

        return result;
    }

    /// <summary>The answer: typed contents, unless <paramref name="raw"/> (the request sent raw bytes) or an output has no typed field.</summary>
    public static ModelInferResponse Response(KServeInferResult result, bool raw)
    {
        var response = new ModelInferResponse
        {
            ModelName = result.Model.Name,
            ModelVersion = result.Model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Id = result.Id ?? string.Empty,
        };
        raw |= result.Outputs.Any(o => o.Value.Element is TensorElement.Float16 or TensorElement.BFloat16);
        foreach (var output in result.Outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.Datatype };
            tensor.Shape.AddRange(output.Value.Shape);
            if (raw)
            {
                response.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(KServeTensorBinary.Bytes(output.Value)));
            }
            else
            {
                tensor.Contents = Contents(output.Value);
            }

            response.Outputs.Add(tensor);
        }

        return response;
    }

    private static Result<KServeInputSource> Contents(ModelInferRequest.Types.InferInputTensor input, string field)
    {
        var contents = input.Contents ?? new InferTensorContents();
        var count = TensorElements.Count(input.Shape);
        if (!TensorElementNames.TryParse(input.Datatype, out var element) || count < 0)
        {
            // The validator names what is wrong with the datatype or the shape.
            return new KServeInputSource(input.Name, input.Shape, input.Datatype, Parameters(input.Parameters), Raw: ReadOnlyMemory<byte>.Empty);
        }

        if (element == TensorElement.String)
        {
            return new KServeInputSource(input.Name, input.Shape, input.Datatype, Parameters(input.Parameters), Elements: contents.BytesContents.Select(b => b.Memory).ToArray());
        }

        if (element is TensorElement.Float16 or TensorElement.BFloat16)
        {
            return InferenceError.Invalid($"{field}.contents", $"Input '{input.Name}' is {input.Datatype}, which has no typed contents field: send it in raw_input_contents.", received: input.Datatype);
        }

        var (given, values) = element switch
        {
            TensorElement.Bool => (contents.BoolContents.Count, contents.BoolContents.Select(b => b ? 1L : 0L)),
            TensorElement.Int8 or TensorElement.Int16 or TensorElement.Int32 => (contents.IntContents.Count, contents.IntContents.Select(v => (long)v)),
            TensorElement.UInt8 or TensorElement.UInt16 or TensorElement.UInt32 => (contents.UintContents.Count, contents.UintContents.Select(v => (long)v)),
            TensorElement.Int64 => (contents.Int64Contents.Count, contents.Int64Contents.AsEnumerable()),
            _ => (-1, Enumerable.Empty<long>()),
        };
        if (given < 0)
        {
            given = element switch
            {
                TensorElement.UInt64 => contents.Uint64Contents.Count,
                TensorElement.Float32 => contents.Fp32Contents.Count,
                _ => contents.Fp64Contents.Count,
            };
        }

        if (given != count)
        {
            return InferenceError.Invalid(
                $"{field}.contents",
                $"Input '{input.Name}' has shape {KServeTensor.FormatShape(input.Shape)}, which holds {count} elements, but its contents have {given}.",
                limit: count,
                received: given);
        }

        var size = TensorElements.Size(element);
        var bytes = new byte[count * size];
        switch (element)
        {
            case TensorElement.UInt64:
                MemoryMarshal.AsBytes(contents.Uint64Contents.ToArray().AsSpan()).CopyTo(bytes);
                break;
            case TensorElement.Float32:
                MemoryMarshal.AsBytes(contents.Fp32Contents.ToArray().AsSpan()).CopyTo(bytes);
                break;
            case TensorElement.Float64:
                MemoryMarshal.AsBytes(contents.Fp64Contents.ToArray().AsSpan()).CopyTo(bytes);
                break;
            default:
                var index = 0;
                foreach (var value in values)
                {
                    if (!Narrow(element, value, bytes.AsSpan(index * size, size)))
                    {
                        return InferenceError.Invalid($"{field}.contents[{index}]", $"Input '{input.Name}' is {input.Datatype}; element {index} ({value}) is outside its range.", received: value);
                    }

                    index++;
                }

                break;
        }

        return new KServeInputSource(input.Name, input.Shape, input.Datatype, Parameters(input.Parameters), Raw: bytes);
    }

    private static bool Narrow(TensorElement element, long value, Span<byte> into)
    {
        switch (element)
        {
            case TensorElement.Bool or TensorElement.UInt8 when value is >= 0 and <= byte.MaxValue:
                into[0] = (byte)value;
                return true;
            case TensorElement.Int8 when value is >= sbyte.MinValue and <= sbyte.MaxValue:
                into[0] = (byte)(sbyte)value;
                return true;
            case TensorElement.Int16 when value is >= short.MinValue and <= short.MaxValue:
                return BinaryPrimitives.TryWriteInt16LittleEndian(into, (short)value);
            case TensorElement.UInt16 when value is >= 0 and <= ushort.MaxValue:
                return BinaryPrimitives.TryWriteUInt16LittleEndian(into, (ushort)value);
            case TensorElement.Int32:
                return BinaryPrimitives.TryWriteInt32LittleEndian(into, (int)value);
            case TensorElement.UInt32:
                return BinaryPrimitives.TryWriteUInt32LittleEndian(into, (uint)value);
            case TensorElement.Int64:
                return BinaryPrimitives.TryWriteInt64LittleEndian(into, value);
            default:
                return false;
        }
    }

    private static InferTensorContents Contents(TensorValue value)
    {
        var contents = new InferTensorContents();
        if (value.Strings is { } strings)
        {
            contents.BytesContents.AddRange(strings.Select(s => ByteString.CopyFrom(s.Span)));
            return contents;
        }

        var data = value.Data.Span;
        switch (value.Element)
        {
            case TensorElement.Bool:
                foreach (var b in data)
                {
                    contents.BoolContents.Add(b != 0);
                }

                break;
            case TensorElement.Int8:
                foreach (var b in data)
                {
                    contents.IntContents.Add((sbyte)b);
                }

                break;
            case TensorElement.UInt8:
                foreach (var b in data)
                {
                    contents.UintContents.Add(b);
                }

                break;
            case TensorElement.Int16: contents.IntContents.AddRange(MemoryMarshal.Cast<byte, short>(data).ToArray().Select(v => (int)v)); break;
            case TensorElement.UInt16: contents.UintContents.AddRange(MemoryMarshal.Cast<byte, ushort>(data).ToArray().Select(v => (uint)v)); break;
            case TensorElement.Int32: contents.IntContents.AddRange(MemoryMarshal.Cast<byte, int>(data).ToArray()); break;
            case TensorElement.UInt32: contents.UintContents.AddRange(MemoryMarshal.Cast<byte, uint>(data).ToArray()); break;
            case TensorElement.Int64: contents.Int64Contents.AddRange(MemoryMarshal.Cast<byte, long>(data).ToArray()); break;
            case TensorElement.UInt64: contents.Uint64Contents.AddRange(MemoryMarshal.Cast<byte, ulong>(data).ToArray()); break;
            case TensorElement.Float32: contents.Fp32Contents.AddRange(MemoryMarshal.Cast<byte, float>(data).ToArray()); break;
            case TensorElement.Float64: contents.Fp64Contents.AddRange(MemoryMarshal.Cast<byte, double>(data).ToArray()); break;
            default: throw new ArgumentOutOfRangeException(nameof(value), value.Element, "no typed contents field");
        }

        return contents;
    }
}
