using Google.Protobuf;
using InferenceApi.Onnx.Proto;

namespace InferenceApi.Trainer.Export;

/// <summary>How an int8 graph is written: integer operators, or float operators between quantize/dequantize pairs.</summary>
public enum Int8Format
{
    /// <summary><c>DynamicQuantizeLinear</c> + <c>MatMulInteger</c> + <c>Cast</c> + <c>Mul</c> by the scales, which ONNX Runtime fuses into one <c>DynamicQuantizeMatMul</c>.</summary>
    IntegerOps,

    /// <summary><c>DynamicQuantizeLinear</c> → <c>DequantizeLinear</c> on the activations, <c>DequantizeLinear</c> on the int8 weights, then the float <c>MatMul</c>.</summary>
    Qdq,
}

/// <summary>
/// Dynamic int8 quantization of an ONNX graph, as ONNX Runtime's <c>quantize_dynamic</c> does it: every <c>MatMul</c>
/// (and plain <c>Gemm</c>) whose right-hand side is a constant float matrix gets int8 weights with one symmetric scale
/// per output column (max |w| / 127, zero point 0); its activations are quantized to uint8 at run time, per tensor,
/// with a scale and zero point computed from each batch. Attention's activation-by-activation products, embeddings
/// (<c>Gather</c>), LayerNorm and everything else stay float32.
/// </summary>
public static class OnnxInt8Quantizer
{
    private const float Int8Max = 127f;

    /// <summary>A quantized copy of <paramref name="model"/>; the input is left as it is.</summary>
    public static ModelProto Quantize(ModelProto model, Int8Format format = Int8Format.IntegerOps)
    {
        if (model.OpsetImport.FirstOrDefault(o => o.Domain.Length == 0) is not { Version: >= 13 })
        {
            throw new InvalidOperationException("int8 quantization writes DynamicQuantizeLinear and per-axis DequantizeLinear, which need opset 13 or later");
        }

        var result = model.Clone();
        var graph = result.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var uses = graph.Node.SelectMany(n => n.Input).Where(i => i.Length > 0).GroupBy(i => i, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var nodes = new List<NodeProto>();
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (Weights(node, initializers) is not { } weights)
            {
                nodes.Add(node);
                continue;
            }

            var (values, rows, columns, weightName, tag) = weights;
            var (int8, scale, zero) = ($"{weightName}{tag}.int8", $"{weightName}{tag}.scale", $"{weightName}{tag}.zero_point");
            if (written.Add(int8))
            {
                var (quantized, scales) = QuantizeColumns(values, rows, columns);
                graph.Initializer.Add(Int8Tensor(int8, quantized, rows, columns));
                graph.Initializer.Add(FloatTensor(scale, scales, columns));
                if (format == Int8Format.Qdq)
                {
                    graph.Initializer.Add(Int8Tensor(zero, new sbyte[columns], columns));
                }
            }

            var prefix = node.Output[0];
            var product = node.OpType == "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0 ? $"{prefix}.product" : node.Output[0];
            nodes.AddRange(format == Int8Format.IntegerOps
                ? IntegerOps(prefix, node.Input[0], int8, scale, product)
                : Qdq(prefix, node.Input[0], int8, scale, zero, product));
            if (product != node.Output[0])
            {
                nodes.Add(NewNode("Add", $"{prefix}.bias_add", [product, node.Input[2]], [node.Output[0]]));
            }

            if (--uses[weightName] == 0)
            {
                replaced.Add(weightName);
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        var kept = graph.Initializer.Where(t => !replaced.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(kept);
        return result;
    }

    /// <summary>Per-column symmetric int8: <c>q = round(w / s)</c> with <c>s = max |w[:, n]| / 127</c> (1 for an all-zero column).</summary>
    public static (sbyte[] Quantized, float[] Scales) QuantizeColumns(float[] weights, int rows, int columns)
    {
        var scales = new float[columns];
        for (var n = 0; n < columns; n++)
        {
            var max = 0f;
            for (var k = 0; k < rows; k++)
            {
                max = Math.Max(max, Math.Abs(weights[(k * columns) + n]));
            }

            scales[n] = max > 0 ? max / Int8Max : 1f;
        }

        var quantized = new sbyte[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            quantized[i] = (sbyte)Math.Clamp(MathF.Round(weights[i] / scales[i % columns], MidpointRounding.ToEven), -Int8Max, Int8Max);
        }

        return (quantized, scales);
    }

    /// <summary>The [K, N] float weights a node multiplies by, when it is a MatMul or a plain Gemm over a constant matrix.</summary>
    /// <remarks>A Gemm's transposed matrix is quantized transposed, under its own name (tag <c>.t</c>).</remarks>
    private static (float[] Values, int Rows, int Columns, string Name, string Tag)? Weights(NodeProto node, Dictionary<string, TensorProto> initializers)
    {
        var isGemm = node.OpType == "Gemm";
        if ((node.OpType != "MatMul" && !isGemm) || node.Input.Count < 2 || !initializers.TryGetValue(node.Input[1], out var tensor)
            || tensor.DataType != (int)TensorProto.Types.DataType.Float || tensor.Dims.Count != 2 || (tensor.RawData.IsEmpty && tensor.FloatData.Count == 0))
        {
            return null;
        }

        if (isGemm && (Attribute(node, "transA", 0) != 0 || AttributeFloat(node, "alpha", 1) != 1 || AttributeFloat(node, "beta", 1) != 1))
        {
            return null;
        }

        var values = tensor.RawData.IsEmpty ? [.. tensor.FloatData] : FromBytes(tensor.RawData);
        var (rows, columns) = ((int)tensor.Dims[0], (int)tensor.Dims[1]);
        if (isGemm && Attribute(node, "transB", 0) != 0)
        {
            return (Transpose(values, rows, columns), columns, rows, tensor.Name, ".t");
        }

        return (values, rows, columns, tensor.Name, "");
    }

    private static IEnumerable<NodeProto> IntegerOps(string p, string input, string weights, string scales, string output)
    {
        // One DynamicQuantizeLinear per product: ONNX Runtime fuses it into DynamicQuantizeMatMul only when it feeds one node.
        yield return NewNode("DynamicQuantizeLinear", $"{p}.quantize", [input], [$"{p}.a_int8", $"{p}.a_scale", $"{p}.a_zero_point"]);
        yield return NewNode("MatMulInteger", $"{p}.matmul_integer", [$"{p}.a_int8", weights, $"{p}.a_zero_point"], [$"{p}.int32"]);
        yield return NewNode("Cast", $"{p}.cast", [$"{p}.int32"], [$"{p}.float"], new AttributeProto
        {
            Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float,
        });
        yield return NewNode("Mul", $"{p}.scales", [$"{p}.a_scale", scales], [$"{p}.scale"]);
        yield return NewNode("Mul", $"{p}.rescale", [$"{p}.float", $"{p}.scale"], [output]);
    }

    private static IEnumerable<NodeProto> Qdq(string p, string input, string weights, string scales, string zeros, string output)
    {
        yield return NewNode("DynamicQuantizeLinear", $"{p}.quantize", [input], [$"{p}.a_int8", $"{p}.a_scale", $"{p}.a_zero_point"]);
        yield return NewNode("DequantizeLinear", $"{p}.dequantize_a", [$"{p}.a_int8", $"{p}.a_scale", $"{p}.a_zero_point"], [$"{p}.a"]);
        yield return NewNode("DequantizeLinear", $"{p}.dequantize_b", [weights, scales, zeros], [$"{p}.b"], new AttributeProto
        {
            Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1,
        });
        yield return NewNode("MatMul", $"{p}.matmul", [$"{p}.a", $"{p}.b"], [output]);
    }

    private static NodeProto NewNode(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static TensorProto Int8Tensor(string name, sbyte[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int8 };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[values.Length];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    private static TensorProto FloatTensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    private static float[] FromBytes(ByteString raw)
    {
        var values = new float[raw.Length / sizeof(float)];
        Buffer.BlockCopy(raw.ToByteArray(), 0, values, 0, raw.Length);
        return values;
    }

    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = values[(r * columns) + c];
            }
        }

        return result;
    }

    private static long Attribute(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    private static float AttributeFloat(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;
}
