using System.Runtime.InteropServices;
using System.Text.Json;
using InferenceApi.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx.Tests.Graphs;

/// <summary>The tiny-bert-cls fixture: its classifier graph, the reference texts with their ids and scores, and an ONNX Runtime runner.</summary>
internal static class TinyBertFixture
{
    public static readonly string[] Labels = ["negative", "neutral", "positive"];

    public static ModelProto LoadClassifier() =>
        ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(TestPaths.TinyBertClsDirectory, "model.onnx")));

    /// <summary>Each reference text's token ids and softmax scores in label order.</summary>
    public static IReadOnlyList<(string Text, long[] Ids, double[] Scores)> ExpectedCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.ExpectedJson));
        return document.RootElement.GetProperty("tiny-bert-cls").EnumerateArray()
            .Select(c => (
                c.GetProperty("text").GetString()!,
                c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt64()).ToArray(),
                Labels.Select(l => c.GetProperty("scores").GetProperty(l).GetDouble()).ToArray()))
            .ToList();
    }

    /// <summary>Runs one unpadded sequence and returns last_hidden_state's shape and values.</summary>
    public static (long[] Shape, float[] Values) RunHiddenState(InferenceSession session, long[] ids)
    {
        long[] shape = [1, ids.Length];
        var mask = Enumerable.Repeat(1L, ids.Length).ToArray();
        var types = new long[ids.Length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(
            runOptions,
            ["input_ids", "attention_mask", "token_type_ids"],
            [idsValue, maskValue, typesValue],
            ["last_hidden_state"]);
        var output = outputs[0];
        return (output.GetTensorTypeAndShape().Shape, output.GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>A float initializer's values, whichever field the exporter stored them in.</summary>
    public static float[] FloatInitializer(ModelProto model, string name)
    {
        var tensor = model.Graph.Initializer.Single(t => t.Name == name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, tensor.DataType);
        return tensor.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
            : [.. tensor.FloatData];
    }
}
