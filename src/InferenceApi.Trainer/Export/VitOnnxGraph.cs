using InferenceApi.Core.Backends;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Models;
using TorchSharp.Modules;
using static InferenceApi.Trainer.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Export;

/// <summary>
/// Writes a <see cref="TinyVit"/> as an opset-14 ONNX model: <c>pixel_values</c> float32 [batch, 3, H, W] in,
/// <c>logits</c> [batch, labels] out, mirroring <see cref="TinyVit.forward"/> op by op.
/// </summary>
public static class VitOnnxGraph
{
    public const int Opset = 14;

    public static ModelProto Build(TinyVit model)
    {
        var o = model.Options;
        var g = new OnnxGraphBuilder();
        g.Graph.Input.Add(FloatTensor(OptimumLayout.PixelValues, "batch_size", 3, o.ImageSize, o.ImageSize));
        g.Graph.Output.Add(FloatTensor(OptimumLayout.Logits, "batch_size", o.Labels));

        var side = o.PatchesPerSide;
        var patch = o.PatchSize;
        var grey = g.Node("ReduceMean", [OptimumLayout.PixelValues], Ints("axes", 1), Int("keepdims", 0));
        if (o.NormalizeInk)
        {
            grey = InkNormalization.Graph(g, grey, o.ImageSize);
        }

        if (o.FitInk)
        {
            grey = InkBox.Graph(g, grey, o.ImageSize);
        }

        var split = g.Node("Reshape", [grey, g.Int64s("patch_grid_shape", 0, side, patch, side, patch)]);
        var ordered = g.Node("Transpose", [split], Ints("perm", 0, 1, 3, 2, 4));
        var patches = g.Node("Reshape", [ordered, g.Int64s("patches_shape", 0, o.Patches, patch * patch)]);
        var embedded = Linear(g, "patch_embedding", model.PatchEmbedding, patches);

        // CLS token broadcast to the batch: Expand to [batch, 1, hidden], batch read from the input's shape.
        var batch = g.Node("Slice", [g.Node("Shape", [OptimumLayout.PixelValues]), g.Int64s("zero", 0), g.Int64s("one", 1)]);
        var clsShape = g.Node("Concat", [batch, g.Int64s("cls_tail", 1, o.HiddenSize)], Int("axis", 0));
        var cls = g.Node("Expand", [g.Initializer("cls_token", Values(model.ClsToken), 1, 1, o.HiddenSize), clsShape]);
        var tokens = g.Node("Concat", [cls, embedded], Int("axis", 1));
        tokens = g.Node("Add", [tokens, g.Initializer("position_embeddings", Values(model.PositionEmbeddings), 1, o.Patches + 1, o.HiddenSize)]);

        var shared = EncoderConstants.Add(g, o.HiddenSize, o.Heads, o.LayerNormEps);
        for (var layer = 0; layer < o.Layers; layer++)
        {
            tokens = EncoderBlock(g, $"layer{layer}", model.Blocks[layer], tokens, shared, attentionBias: null);
        }

        var final = LayerNorm(g, "final_ln", model.FinalLayerNorm, tokens, shared.Eps);
        var first = g.Node("Gather", [final, g.Int64Scalar("cls_index", 0)], Int("axis", 1));
        var w = g.Initializer("classifier.weight", Values(model.Classifier.weight!.t()), o.HiddenSize, o.Labels);
        var b = g.Initializer("classifier.bias", Values(model.Classifier.bias!), o.Labels);
        g.NodeNamed("Add", OptimumLayout.Logits, [g.Node("MatMul", [first, w]), b]);

        var result = new ModelProto
        {
            IrVersion = 7,
            ProducerName = "InferenceApi.Trainer",
            Graph = g.Graph,
        };
        result.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return result;
    }

    /// <summary>Graph-wide constants the encoder blocks share (initializer names must be unique).</summary>
    internal sealed record EncoderConstants(string Heads, string Merged, string Scale, string Half, string One, string Sqrt2, string Eps)
    {
        public static EncoderConstants Add(OnnxGraphBuilder g, int hiddenSize, int heads, double layerNormEps) => new(
            g.Int64s("heads_shape", 0, 0, heads, hiddenSize / heads),
            g.Int64s("merged_shape", 0, 0, hiddenSize),
            g.Scalar("attention_scale", (float)Math.Sqrt(hiddenSize / heads)),
            g.Scalar("half", 0.5f),
            g.Scalar("one_f", 1f),
            g.Scalar("sqrt2", (float)Math.Sqrt(2)),
            g.Scalar("layer_norm_eps", (float)layerNormEps));
    }

    /// <summary>
    /// One <see cref="TransformerBlock"/>, mirroring its <c>Forward</c> op by op;
    /// the bias is added to the scores. With <paramref name="cacheLayer"/> the block's keys and values join that layer's
    /// past input before attention and are its present output (a decoder with past).
    /// </summary>
    internal static string EncoderBlock(
        OnnxGraphBuilder g, string p, TransformerBlock block, string tokens, EncoderConstants c, string? attentionBias, int? cacheLayer = null)
    {
        var normed = LayerNorm(g, $"{p}.ln_before", block.LayerNormBefore, tokens, c.Eps);
        var q = g.Node("Transpose", [g.Node("Reshape", [Linear(g, $"{p}.query", block.Query, normed), c.Heads])], Ints("perm", 0, 2, 1, 3));
        var k = g.Node("Transpose", [g.Node("Reshape", [Linear(g, $"{p}.key", block.Key, normed), c.Heads])], Ints("perm", 0, 2, 1, 3));
        var v = g.Node("Transpose", [g.Node("Reshape", [Linear(g, $"{p}.value", block.Value, normed), c.Heads])], Ints("perm", 0, 2, 1, 3));
        if (cacheLayer is { } layer)
        {
            k = g.NodeNamed("Concat", OptimumLayout.PresentKey(layer), [OptimumLayout.PastKey(layer), k], Int("axis", 2));
            v = g.NodeNamed("Concat", OptimumLayout.PresentValue(layer), [OptimumLayout.PastValue(layer), v], Int("axis", 2));
        }

        var scores = g.Node("Div", [g.Node("MatMul", [q, g.Node("Transpose", [k], Ints("perm", 0, 1, 3, 2))]), c.Scale]);
        if (attentionBias is not null)
        {
            scores = g.Node("Add", [scores, attentionBias]);
        }

        var context = g.Node("MatMul", [g.Node("Softmax", [scores], Int("axis", -1)), v]);
        context = g.Node("Reshape", [g.Node("Transpose", [context], Ints("perm", 0, 2, 1, 3)), c.Merged]);
        tokens = g.Node("Add", [tokens, Linear(g, $"{p}.attention_output", block.AttentionOutput, context)]);

        var hidden = Linear(g, $"{p}.intermediate", block.Intermediate, LayerNorm(g, $"{p}.ln_after", block.LayerNormAfter, tokens, c.Eps));
        return g.Node("Add", [tokens, Linear(g, $"{p}.output", block.Output, Gelu(g, hidden, c))]);
    }

    /// <summary>The exact (erf) GELU: x · ½ · (1 + erf(x / √2)).</summary>
    internal static string Gelu(OnnxGraphBuilder g, string x, EncoderConstants c)
    {
        var erf = g.Node("Erf", [g.Node("Div", [x, c.Sqrt2])]);
        return g.Node("Mul", [g.Node("Mul", [x, c.Half]), g.Node("Add", [erf, c.One])]);
    }

    internal static string Linear(OnnxGraphBuilder g, string name, Linear linear, string input)
    {
        var weight = linear.weight!;
        var w = g.Initializer($"{name}.weight", Values(weight.t()), weight.shape[1], weight.shape[0]);
        var b = g.Initializer($"{name}.bias", Values(linear.bias!), weight.shape[0]);
        return g.Node("Add", [g.Node("MatMul", [input, w]), b]);
    }

    internal static string LayerNorm(OnnxGraphBuilder g, string name, LayerNorm norm, string input, string eps) =>
        LayerNormNamed(g, name, norm, input, eps, output: null);

    /// <summary>A LayerNorm whose result gets <paramref name="output"/> as its name (a graph output), or a fresh one.</summary>
    internal static string LayerNormNamed(OnnxGraphBuilder g, string name, LayerNorm norm, string input, string eps, string? output)
    {
        var mean = g.Node("ReduceMean", [input], Ints("axes", -1), Int("keepdims", 1));
        var centred = g.Node("Sub", [input, mean]);
        var variance = g.Node("ReduceMean", [g.Node("Mul", [centred, centred])], Ints("axes", -1), Int("keepdims", 1));
        var normed = g.Node("Div", [centred, g.Node("Sqrt", [g.Node("Add", [variance, eps])])]);
        var gamma = g.Initializer($"{name}.weight", Values(norm.weight!), norm.weight!.shape[0]);
        var beta = g.Initializer($"{name}.bias", Values(norm.bias!), norm.bias!.shape[0]);
        var scaled = g.Node("Mul", [normed, gamma]);
        return output is null ? g.Node("Add", [scaled, beta]) : g.NodeNamed("Add", output, [scaled, beta]);
    }

    internal static float[] Values(Tensor tensor)
    {
        using var contiguous = tensor.detach().contiguous();
        return contiguous.data<float>().ToArray();
    }
}
