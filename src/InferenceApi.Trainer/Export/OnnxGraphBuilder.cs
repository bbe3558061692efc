using Google.Protobuf;
using InferenceApi.Onnx.Proto;

namespace InferenceApi.Trainer.Export;

/// <summary>Appends nodes and initializers to an ONNX graph; every node gets a fresh, readable output name.</summary>
public sealed class OnnxGraphBuilder
{
    private int counter;

    public GraphProto Graph { get; } = new() { Name = "main" };

    /// <summary>Prepended to every initializer's name, so several models' weights can live in one graph (an ensemble).</summary>
    public string Prefix { get; set; } = "";

    public string Initializer(string name, float[] values, params long[] dims) => Initializer(name, values, TensorProto.Types.DataType.Float, dims);

    /// <summary>A float32 or float16 initializer (float16 values are rounded to nearest even, as <c>torch.half()</c> does).</summary>
    public string Initializer(string name, float[] values, TensorProto.Types.DataType type, params long[] dims)
    {
        name = Prefix + name;
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        byte[] bytes;
        if (type == TensorProto.Types.DataType.Float16)
        {
            var halves = values.Select(v => (Half)v).ToArray();
            bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
        }
        else if (type == TensorProto.Types.DataType.Float)
        {
            bytes = new byte[values.Length * sizeof(float)];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "float initializers are float32 or float16");
        }

        tensor.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Scalar(string name, float value) => Initializer(name, [value]);

    public string Int64s(string name, params long[] values)
    {
        name = Prefix + name;
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Int64Scalar(string name, long value)
    {
        name = Prefix + name;
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.Add(value);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Node(string op, string[] inputs, params AttributeProto[] attributes) => NodeNamed(op, $"{op}_{counter}", inputs, attributes);

    public string NodeNamed(string op, string output, string[] inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{counter++}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static ValueInfoProto FloatTensor(string name, params object[] dims) =>
        Tensor(TensorProto.Types.DataType.Float, name, dims);

    public static ValueInfoProto Int64Tensor(string name, params object[] dims) =>
        Tensor(TensorProto.Types.DataType.Int64, name, dims);

    /// <summary>A graph input or output of any element type; a string dimension is symbolic (dynamic).</summary>
    public static ValueInfoProto Tensor(TensorProto.Types.DataType type, string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
