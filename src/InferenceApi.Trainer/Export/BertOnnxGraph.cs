using InferenceApi.Core.Backends;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Models;
using static InferenceApi.Trainer.Export.OnnxGraphBuilder;
using static InferenceApi.Trainer.Export.VitOnnxGraph;

namespace InferenceApi.Trainer.Export;

/// <summary>
/// Writes a <see cref="TinyBert"/> as an opset-14 ONNX model in the optimum layout: <c>input_ids</c> and
/// <c>attention_mask</c> int64 [batch, sequence] in, <c>logits</c> float32 [batch, labels] out, mirroring
/// <see cref="TinyBert.forward"/> op by op (the mask becomes <c>(1 - mask) · -1e4</c>, shaped [batch, 1, 1, seq]).
/// </summary>
public static class BertOnnxGraph
{
    /// <summary>The classifier: <c>logits</c> [batch, labels].</summary>
    public static ModelProto Build(TinyBert model) => Build(model, embeddings: false);

    /// <summary>
    /// The encoder without its head, for the server's embeddings endpoints: <c>last_hidden_state</c>
    /// [batch, sequence, hidden] (after the final LayerNorm), which the server mean-pools under the mask.
    /// </summary>
    public static ModelProto BuildEncoder(TinyBert model) => Build(model, embeddings: true);

    /// <summary>
    /// An ensemble: each member's graph under its own initializer prefix (<c>member0.</c>, …), then
    /// <c>logits = Log(Max(Mean(Softmax(member logits)), 1e-30))</c>, as <see cref="TinyBertEnsemble.forward"/>.
    /// </summary>
    public static ModelProto BuildEnsemble(TinyBertEnsemble ensemble)
    {
        var g = NewGraph();
        g.Graph.Output.Add(FloatTensor(OptimumLayout.Logits, "batch_size", ensemble.Labels));
        var probabilities = new string[ensemble.Members.Count];
        for (var i = 0; i < probabilities.Length; i++)
        {
            g.Prefix = $"member{i}.";
            probabilities[i] = g.Node("Softmax", [Classifier(g, ensemble.Members[i], output: null)], Int("axis", -1));
        }

        g.Prefix = "";
        var mean = g.Node("Div", [g.Node("Sum", probabilities), g.Scalar("member_count", probabilities.Length)]);
        g.NodeNamed("Log", OptimumLayout.Logits, [g.Node("Max", [mean, g.Scalar("min_probability", TinyBertEnsemble.MinProbability)])]);
        return Model(g);
    }

    private static ModelProto Build(TinyBert model, bool embeddings)
    {
        var g = NewGraph();
        g.Graph.Output.Add(embeddings
            ? FloatTensor(OptimumLayout.LastHiddenState, "batch_size", "sequence_length", model.Options.HiddenSize)
            : FloatTensor(OptimumLayout.Logits, "batch_size", model.Options.Labels));
        if (embeddings)
        {
            Encoder(g, model, OptimumLayout.LastHiddenState);
        }
        else
        {
            Classifier(g, model, OptimumLayout.Logits);
        }

        return Model(g);
    }

    private static OnnxGraphBuilder NewGraph()
    {
        var g = new OnnxGraphBuilder();
        g.Graph.Input.Add(Int64Tensor(OptimumLayout.InputIds, "batch_size", "sequence_length"));
        g.Graph.Input.Add(Int64Tensor(OptimumLayout.AttentionMask, "batch_size", "sequence_length"));
        return g;
    }

    /// <summary>The classifier's logits [batch, labels], named <paramref name="output"/> (or a fresh name).</summary>
    private static string Classifier(OnnxGraphBuilder g, TinyBert model, string? output)
    {
        var o = model.Options;
        var (final, mask) = Encoder(g, model, output: null);
        var first = o.Pooling == BertPooling.Mean
            ? g.Node("Div", [
                g.Node("ReduceSum", [g.Node("Mul", [final, g.Node("Unsqueeze", [mask, g.Int64s("pool_mask_axes", 2)])]), g.Int64s("pool_sum_axes", 1)], Int("keepdims", 0)),
                g.Node("ReduceSum", [mask, g.Int64s("pool_count_axes", 1)], Int("keepdims", 1))])
            : g.Node("Gather", [final, g.Int64Scalar("cls_index", 0)], Int("axis", 1));
        var w = g.Initializer("classifier.weight", Values(model.Classifier.weight!.t()), o.HiddenSize, o.Labels);
        var b = g.Initializer("classifier.bias", Values(model.Classifier.bias!), o.Labels);
        var inputs = new[] { g.Node("MatMul", [first, w]), b };
        return output is null ? g.Node("Add", inputs) : g.NodeNamed("Add", output, inputs);
    }

    /// <summary>The final hidden states [batch, sequence, hidden] after the last LayerNorm, and the float attention mask.</summary>
    private static (string Hidden, string Mask) Encoder(OnnxGraphBuilder g, TinyBert model, string? output)
    {
        var o = model.Options;
        var words = g.Node("Gather", [g.Initializer("word_embeddings", Values(model.WordEmbeddings.weight!), o.VocabularySize, o.HiddenSize), OptimumLayout.InputIds], Int("axis", 0));
        var length = g.Node("Slice", [g.Node("Shape", [OptimumLayout.InputIds]), g.Int64s("one", 1), g.Int64s("two", 2)]);
        var positions = g.Node("Slice", [g.Initializer("position_embeddings", Values(model.PositionEmbeddings.weight!), o.MaxPositions, o.HiddenSize), g.Int64s("zero", 0), length, g.Int64s("axis0", 0)]);
        var shared = EncoderConstants.Add(g, o.HiddenSize, o.Heads, o.LayerNormEps);
        var tokens = LayerNorm(g, "embeddings_ln", model.EmbeddingLayerNorm, g.Node("Add", [words, positions]), shared.Eps);
        var mask = g.Node("Cast", [OptimumLayout.AttentionMask], Int("to", (long)TensorProto.Types.DataType.Float));
        if (model.Convolution is { } convolution)
        {
            tokens = g.Node("Add", [tokens, Gelu(g, Convolution(g, convolution, o.ConvolutionWidth, tokens, mask), shared)]);
        }

        var bias = g.Node("Mul", [g.Node("Sub", [shared.One, mask]), g.Scalar("mask_bias", BertOptions.MaskBias)]);
        bias = g.Node("Unsqueeze", [bias, g.Int64s("bias_axes", 1, 2)]);
        for (var layer = 0; layer < o.Layers; layer++)
        {
            tokens = EncoderBlock(g, $"layer{layer}", model.Blocks[layer], tokens, shared, bias);
        }

        return (LayerNormNamed(g, "final_ln", model.FinalLayerNorm, tokens, shared.Eps, output), mask);
    }

    /// <summary>The convolution over the real tokens (padding zeroed), [batch, sequence, hidden] in and out.</summary>
    private static string Convolution(OnnxGraphBuilder g, TorchSharp.Modules.Conv1d convolution, int width, string tokens, string mask)
    {
        var real = g.Node("Mul", [tokens, g.Node("Unsqueeze", [mask, g.Int64s("conv_mask_axes", 2)])]);
        var weight = convolution.weight!;
        var w = g.Initializer("convolution.weight", Values(weight), weight.shape);
        var b = g.Initializer("convolution.bias", Values(convolution.bias!), convolution.bias!.shape[0]);
        var channelsFirst = g.Node("Transpose", [real], Ints("perm", 0, 2, 1));
        var convolved = g.Node("Conv", [channelsFirst, w, b], Ints("kernel_shape", width), Ints("pads", width / 2, width / 2));
        return g.Node("Transpose", [convolved], Ints("perm", 0, 2, 1));
    }

    private static ModelProto Model(OnnxGraphBuilder g)
    {
        var result = new ModelProto { IrVersion = 7, ProducerName = "InferenceApi.Trainer", Graph = g.Graph };
        result.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return result;
    }
}
