using Google.Protobuf;
using InferenceApi.Onnx.Proto;
using DataType = InferenceApi.Onnx.Proto.TensorProto.Types.DataType;

namespace InferenceApi.Tests.KServe;

/// <summary>
/// Graphs written here with the ONNX protobuf classes, to serve as the tensor task: nothing in them looks like a Hugging
/// Face export, so the server picks the task from the graph alone.
/// </summary>
internal static class TensorModels
{
    public const int Channels = 3;
    public const int Side = 8;
    public const int Classes = 4;

    /// <summary>Every datatype of the protocol and the ONNX type it travels as, for <see cref="WriteIdentity"/>.</summary>
    public static readonly (string Datatype, DataType Onnx)[] Datatypes =
    [
        ("BOOL", DataType.Bool), ("UINT8", DataType.Uint8), ("UINT16", DataType.Uint16), ("UINT32", DataType.Uint32), ("UINT64", DataType.Uint64),
        ("INT8", DataType.Int8), ("INT16", DataType.Int16), ("INT32", DataType.Int32), ("INT64", DataType.Int64),
        ("FP16", DataType.Float16), ("FP32", DataType.Float), ("FP64", DataType.Double), ("BF16", DataType.Bfloat16), ("BYTES", DataType.String),
    ];

    /// <summary>
    /// A small conv net, dynamic in the batch: <c>frames</c> FP32 [N, 3, 8, 8], <c>offset</c> INT32 [N, 4] and <c>keep</c>
    /// BOOL [N, 4] in; <c>scores</c> = (GlobalAveragePool(Relu(Conv(frames))) + offset) · keep, FP32 [N, 4], and
    /// <c>label</c> = ArgMax(scores), INT64 [N], out.
    /// </summary>
    public static void WriteConvNet(string folder)
    {
        var random = new Random(17);
        var graph = new GraphProto { Name = "convnet" };
        graph.Input.Add(Tensor("frames", DataType.Float, "N", Channels, Side, Side));
        graph.Input.Add(Tensor("offset", DataType.Int32, "N", Classes));
        graph.Input.Add(Tensor("keep", DataType.Bool, "N", Classes));
        graph.Output.Add(Tensor("scores", DataType.Float, "N", Classes));
        graph.Output.Add(Tensor("label", DataType.Int64, "N"));
        graph.Initializer.Add(Floats("weight", [.. Enumerable.Range(0, Classes * Channels * 9).Select(_ => (float)(random.NextDouble() - 0.5))], Classes, Channels, 3, 3));
        graph.Initializer.Add(Floats("bias", [.. Enumerable.Range(0, Classes).Select(_ => (float)(random.NextDouble() - 0.5))], Classes));
        graph.Node.Add(Node("Conv", ["frames", "weight", "bias"], "conv", Ints("pads", 1, 1, 1, 1), Ints("kernel_shape", 3, 3)));
        graph.Node.Add(Node("Relu", ["conv"], "relu"));
        graph.Node.Add(Node("GlobalAveragePool", ["relu"], "pooled"));
        graph.Node.Add(Node("Flatten", ["pooled"], "features", Int("axis", 1)));
        graph.Node.Add(Node("Cast", ["offset"], "offset_f", Int("to", (long)DataType.Float)));
        graph.Node.Add(Node("Add", ["features", "offset_f"], "shifted"));
        graph.Node.Add(Node("Cast", ["keep"], "keep_f", Int("to", (long)DataType.Float)));
        graph.Node.Add(Node("Mul", ["shifted", "keep_f"], "scores"));
        graph.Node.Add(Node("ArgMax", ["scores"], "label", Int("axis", 1), Int("keepdims", 0)));
        Write(folder, graph);
    }

    /// <summary>One Identity per protocol datatype: input <c>in_{datatype}</c> [N, 3] to output <c>out_{datatype}</c>.</summary>
    public static void WriteIdentity(string folder)
    {
        var graph = new GraphProto { Name = "identity" };
        foreach (var (datatype, onnx) in Datatypes)
        {
            graph.Input.Add(Tensor($"in_{datatype}", onnx, "N", 3));
            graph.Output.Add(Tensor($"out_{datatype}", onnx, "N", 3));
            graph.Node.Add(Node("Identity", [$"in_{datatype}"], $"out_{datatype}"));
        }

        Write(folder, graph);
    }

    private static void Write(string folder, GraphProto graph)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "InferenceApi.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model.ToByteArray());
    }

    private static ValueInfoProto Tensor(string name, DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension { DimValue = (int)dim });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    private static TensorProto Floats(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    private static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
}
