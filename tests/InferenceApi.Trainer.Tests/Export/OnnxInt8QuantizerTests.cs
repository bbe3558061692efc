using Google.Protobuf;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using Microsoft.ML.OnnxRuntime;
using static InferenceApi.Trainer.Export.OnnxGraphBuilder;

namespace InferenceApi.Trainer.Tests.Export;

public sealed class OnnxInt8QuantizerTests
{
    private static readonly BertOptions Small = new() { VocabularySize = 120, HiddenSize = 32, Layers = 2, Heads = 4, IntermediateSize = 64, Labels = 3 };

    [Fact]
    public void QuantizeColumns_EachColumnRoundTripsWithinHalfItsStep()
    {
        var random = new Random(3);
        const int rows = 17, columns = 5;
        var weights = Enumerable.Range(0, rows * columns).Select(i => (float)(random.NextDouble() - 0.5) * (1 + (i % columns))).ToArray();
        weights[2] = 0;

        var (quantized, scales) = OnnxInt8Quantizer.QuantizeColumns(weights, rows, columns);

        for (var i = 0; i < weights.Length; i++)
        {
            Assert.InRange(Math.Abs((quantized[i] * scales[i % columns]) - weights[i]), 0, (scales[i % columns] / 2) + 1e-7);
        }

        // Each column's largest weight lands on ±127: the whole int8 range is used.
        Assert.All(Enumerable.Range(0, columns), n => Assert.Equal(127, Enumerable.Range(0, rows).Max(k => Math.Abs((int)quantized[(k * columns) + n]))));
    }

    [Theory]
    [InlineData(Int8Format.IntegerOps, "MatMulInteger")]
    [InlineData(Int8Format.Qdq, "DequantizeLinear")]
    public void Quantize_BertGraph_ReplacesEveryWeightProductAndStaysCloseToFloat32(Int8Format format, string op)
    {
        var float32 = RandomBert.Build(Small, seed: 5);

        var int8 = OnnxInt8Quantizer.Quantize(float32, format);

        // 6 weight products per block and the classifier; attention's two activation products stay float.
        Assert.Equal(13, int8.Graph.Node.Count(n => n.OpType == "DynamicQuantizeLinear"));
        Assert.Contains(int8.Graph.Node, n => n.OpType == op);
        Assert.Equal(4, int8.Graph.Node.Count(n => n.OpType == "MatMul" && !n.Input[1].EndsWith(".b", StringComparison.Ordinal)));
        Assert.DoesNotContain(int8.Graph.Initializer, t => t.Name.EndsWith(".query.weight", StringComparison.Ordinal));
        var (expected, actual) = (RunBert(float32), RunBert(int8));
        var scale = expected.Max(Math.Abs);
        Assert.InRange(MaxAbsDiff(expected, actual), 1e-7, ExportSettings.Int8Tolerance * Math.Max(1, scale));
    }

    [Fact]
    public void Quantize_GemmWithTransposedWeightsAndBias_MatchesTheFloatGraph()
    {
        var random = new Random(11);
        var weights = Enumerable.Range(0, 6 * 4).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var g = new OnnxGraphBuilder();
        g.Graph.Input.Add(FloatTensor("x", "batch", 4));
        g.Graph.Output.Add(FloatTensor("y", "batch", 6));
        g.NodeNamed("Gemm", "y", ["x", g.Initializer("w", weights, 6, 4), g.Initializer("b", [1, 2, 3, 4, 5, 6], 6)], Int("transB", 1));
        var model = new ModelProto { IrVersion = 7, Graph = g.Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 14 });
        var input = Enumerable.Range(0, 3 * 4).Select(_ => (float)random.NextDouble() * 4 - 2).ToArray();

        var int8 = OnnxInt8Quantizer.Quantize(model);

        Assert.DoesNotContain(int8.Graph.Node, n => n.OpType == "Gemm");
        Assert.Contains(int8.Graph.Initializer, t => t.Name == "w.t.int8" && t.Dims.SequenceEqual([4L, 6L]));
        var expected = Run(model, input);
        Assert.InRange(MaxAbsDiff(expected, Run(int8, input)), 0, 0.02 * expected.Max(Math.Abs));
    }

    [Fact]
    public void Quantize_OpsetBelow13_Refuses()
    {
        var model = RandomBert.Build(Small);
        model.OpsetImport[0].Version = 12;

        var error = Assert.Throws<InvalidOperationException>(() => OnnxInt8Quantizer.Quantize(model));

        Assert.Contains("opset 13", error.Message, StringComparison.Ordinal);
    }

    private static float[] RunBert(ModelProto model)
    {
        long[] ids = [2, 7, 9, 40, 80, 3, 2, 11, 12, 13, 3, 0];
        long[] mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
        using var session = new InferenceSession(model.ToByteArray());
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [2, 6]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [2, 6]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input_ids", "attention_mask"], [idsValue, maskValue], ["logits"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] Run(ModelProto model, float[] input)
    {
        using var session = new InferenceSession(model.ToByteArray());
        using var value = OrtValue.CreateTensorValueFromMemory(input, [input.Length / 4, 4]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["x"], [value], ["y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static double MaxAbsDiff(float[] expected, float[] actual) => ModelFolderPublisher.MaxAbsDiff(expected, actual);
}
