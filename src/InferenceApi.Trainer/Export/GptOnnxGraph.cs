using InferenceApi.Core.Backends;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Models;
using static InferenceApi.Trainer.Export.OnnxGraphBuilder;
using static InferenceApi.Trainer.Export.VitOnnxGraph;

namespace InferenceApi.Trainer.Export;

/// <summary>
/// Writes a <see cref="TinyGpt"/> as an opset-14 ONNX decoder with past, in optimum's layout: <c>input_ids</c>,
/// <c>attention_mask</c> (past + new), <c>position_ids</c> and <c>past_key_values.{i}.key/value</c>
/// [batch, heads, past, headDim] in; <c>logits</c> [batch, seq, vocab] and <c>present.{i}.key/value</c> out. It
/// mirrors <see cref="TinyGpt.Step"/> op by op; the head reads the token embedding transposed (tied weights are
/// stored once).
/// </summary>
public static class GptOnnxGraph
{
    public static ModelProto Build(TinyGpt model)
    {
        var o = model.Options;
        var headSize = o.HiddenSize / o.Heads;
        var g = new OnnxGraphBuilder();
        g.Graph.Input.Add(Int64Tensor(OptimumLayout.InputIds, "batch_size", "sequence_length"));
        g.Graph.Input.Add(Int64Tensor(OptimumLayout.AttentionMask, "batch_size", "past_sequence_length + sequence_length"));
        g.Graph.Input.Add(Int64Tensor(OptimumLayout.PositionIds, "batch_size", "sequence_length"));
        foreach (var past in OptimumLayout.PastNames(o.Layers))
        {
            g.Graph.Input.Add(FloatTensor(past, "batch_size", o.Heads, "past_sequence_length", headSize));
        }

        g.Graph.Output.Add(FloatTensor(OptimumLayout.Logits, "batch_size", "sequence_length", o.VocabularySize));
        foreach (var present in OptimumLayout.PresentNames(o.Layers))
        {
            g.Graph.Output.Add(FloatTensor(present, "batch_size", o.Heads, "past_sequence_length + 1", headSize));
        }

        var embedding = g.Initializer("wte", Values(model.TokenEmbeddings.weight!), o.VocabularySize, o.HiddenSize);
        var words = g.Node("Gather", [embedding, OptimumLayout.InputIds], Int("axis", 0));
        var positions = g.Node("Gather", [g.Initializer("wpe", Values(model.PositionEmbeddings.weight!), o.MaxPositions, o.HiddenSize), OptimumLayout.PositionIds], Int("axis", 0));
        var hidden = g.Node("Add", [words, positions]);

        var shared = EncoderConstants.Add(g, o.HiddenSize, o.Heads, o.LayerNormEps);
        var bias = AttentionBias(g, shared);
        for (var layer = 0; layer < o.Layers; layer++)
        {
            hidden = EncoderBlock(g, $"h{layer}", model.Blocks[layer], hidden, shared, bias, cacheLayer: layer);
        }

        var final = LayerNorm(g, "ln_f", model.FinalLayerNorm, hidden, shared.Eps);
        g.NodeNamed("MatMul", OptimumLayout.Logits, [final, g.Node("Transpose", [embedding], Ints("perm", 1, 0))]);

        var result = new ModelProto { IrVersion = 7, ProducerName = "InferenceApi.Trainer", Graph = g.Graph };
        result.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return result;
    }

    /// <summary>
    /// [batch, 1, new, past + new]: <c>MaskBias</c> where a key lies in a query's future (column &gt; past + row),
    /// plus <c>(1 - attention_mask) · MaskBias</c>; the past length is the mask's width minus the input's.
    /// </summary>
    private static string AttentionBias(OnnxGraphBuilder g, EncoderConstants c)
    {
        var zero = g.Int64Scalar("bias_zero", 0);
        var step = g.Int64Scalar("bias_step", 1);
        var length = g.Node("Gather", [g.Node("Shape", [OptimumLayout.InputIds]), g.Int64Scalar("bias_seq_axis", 1)], Int("axis", 0));
        var total = g.Node("Gather", [g.Node("Shape", [OptimumLayout.AttentionMask]), g.Int64Scalar("bias_total_axis", 1)], Int("axis", 0));
        var pastLength = g.Node("Sub", [total, length]);
        var rows = g.Node("Unsqueeze", [g.Node("Add", [g.Node("Range", [zero, length, step]), pastLength]), g.Int64s("bias_rows_axes", 1)]);
        var columns = g.Node("Unsqueeze", [g.Node("Range", [zero, total, step]), g.Int64s("bias_columns_axes", 0)]);
        var maskBias = g.Scalar("mask_bias", GptOptions.MaskBias);
        var future = g.Node("Mul", [g.Node("Cast", [g.Node("Greater", [columns, rows])], Int("to", (long)TensorProto.Types.DataType.Float)), maskBias]);
        var mask = g.Node("Cast", [OptimumLayout.AttentionMask], Int("to", (long)TensorProto.Types.DataType.Float));
        var padding = g.Node("Unsqueeze", [g.Node("Mul", [g.Node("Sub", [c.One, mask]), maskBias]), g.Int64s("bias_padding_axes", 1, 2)]);
        return g.Node("Add", [g.Node("Unsqueeze", [future, g.Int64s("bias_future_axes", 0, 1)]), padding]);
    }
}
