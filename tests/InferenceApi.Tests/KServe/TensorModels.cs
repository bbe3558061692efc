using Google.Protobuf;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Export;
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
        var builder = new OnnxGraphBuilder();
        var graph = builder.Graph;
        graph.Input.Add(OnnxGraphBuilder.Tensor(DataType.Float, "frames", "N", Channels, Side, Side));
        graph.Input.Add(OnnxGraphBuilder.Tensor(DataType.Int32, "offset", "N", Classes));
        graph.Input.Add(OnnxGraphBuilder.Tensor(DataType.Bool, "keep", "N", Classes));
        graph.Output.Add(OnnxGraphBuilder.Tensor(DataType.Float, "scores", "N", Classes));
        graph.Output.Add(OnnxGraphBuilder.Tensor(DataType.Int64, "label", "N"));
        var weight = builder.Initializer("weight", [.. Enumerable.Range(0, Classes * Channels * 9).Select(_ => (float)(random.NextDouble() - 0.5))], Classes, Channels, 3, 3);
        var bias = builder.Initializer("bias", [.. Enumerable.Range(0, Classes).Select(_ => (float)(random.NextDouble() - 0.5))], Classes);
        builder.NodeNamed("Conv", "conv", ["frames", weight, bias], OnnxGraphBuilder.Ints("pads", 1, 1, 1, 1), OnnxGraphBuilder.Ints("kernel_shape", 3, 3));
        builder.NodeNamed("Relu", "relu", ["conv"]);
        builder.NodeNamed("GlobalAveragePool", "pooled", ["relu"]);
        builder.NodeNamed("Flatten", "features", ["pooled"], OnnxGraphBuilder.Int("axis", 1));
        builder.NodeNamed("Cast", "offset_f", ["offset"], OnnxGraphBuilder.Int("to", (long)DataType.Float));
        builder.NodeNamed("Add", "shifted", ["features", "offset_f"]);
        builder.NodeNamed("Cast", "keep_f", ["keep"], OnnxGraphBuilder.Int("to", (long)DataType.Float));
        builder.NodeNamed("Mul", "scores", ["shifted", "keep_f"]);
        builder.NodeNamed("ArgMax", "label", ["scores"], OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("keepdims", 0));
        Write(folder, graph);
    }

    /// <summary>One Identity per protocol datatype: input <c>in_{datatype}</c> [N, 3] to output <c>out_{datatype}</c>.</summary>
    public static void WriteIdentity(string folder)
    {
        var builder = new OnnxGraphBuilder();
        var graph = builder.Graph;
        foreach (var (datatype, onnx) in Datatypes)
        {
            graph.Input.Add(OnnxGraphBuilder.Tensor(onnx, $"in_{datatype}", "N", 3));
            graph.Output.Add(OnnxGraphBuilder.Tensor(onnx, $"out_{datatype}", "N", 3));
            builder.NodeNamed("Identity", $"out_{datatype}", [$"in_{datatype}"]);
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
}
