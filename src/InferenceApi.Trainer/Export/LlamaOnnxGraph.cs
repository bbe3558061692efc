using InferenceApi.Core.Backends;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Models;
using TorchSharp.Modules;
using static InferenceApi.Trainer.Export.OnnxGraphBuilder;
using static InferenceApi.Trainer.Export.VitOnnxGraph;
using DataType = InferenceApi.Onnx.Proto.TensorProto.Types.DataType;

namespace InferenceApi.Trainer.Export;

/// <summary>
/// Writes a <see cref="TinyLlama"/> as an opset-14 ONNX decoder with past in optimum's layout, as
/// <c>optimum-cli export onnx --task text-generation-with-past</c> writes a Llama: <c>input_ids</c>,
/// <c>attention_mask</c> (past + new), <c>position_ids</c> and <c>past_key_values.{i}.key/value</c>
/// [batch, kvHeads, past, headDim] in; <c>logits</c> [batch, seq, vocab] and <c>present.{i}.key/value</c> out. The
/// cache holds only the key/value heads (grouped-query attention repeats them inside the graph), rotary embeddings
/// are computed from <c>position_ids</c>, and keys enter the cache already rotated, as in transformers. With
/// <see cref="DecoderPrecision.Float16"/> the weights, activations, cache and logits are float16 and the float32
/// islands are transformers' own (norm statistics, rotary angles, softmax). Without <c>position_ids</c>
/// (<see cref="DecoderGraphLayout.PositionIds"/> false) positions are the running count of the attention mask, as models
/// that derive them do; a merged layout wraps the result with <see cref="MergedDecoderGraph"/>. It mirrors
/// <see cref="TinyLlama.Step"/> op by op.
/// </summary>
public static class LlamaOnnxGraph
{
    public static ModelProto Build(TinyLlama model, DecoderGraphLayout? layout = null)
    {
        layout ??= DecoderGraphLayout.Default;
        var o = model.Options;
        var type = layout.Precision == DecoderPrecision.Float16 ? DataType.Float16 : DataType.Float;
        var g = new OnnxGraphBuilder();
        g.Graph.Input.Add(Int64Tensor(OptimumLayout.InputIds, "batch_size", "sequence_length"));
        g.Graph.Input.Add(Int64Tensor(OptimumLayout.AttentionMask, "batch_size", "past_sequence_length + sequence_length"));
        if (layout.PositionIds)
        {
            g.Graph.Input.Add(Int64Tensor(OptimumLayout.PositionIds, "batch_size", "sequence_length"));
        }

        foreach (var past in OptimumLayout.PastNames(o.Layers))
        {
            g.Graph.Input.Add(Tensor(type, past, "batch_size", o.KeyValueHeads, "past_sequence_length", o.HeadSize));
        }

        g.Graph.Output.Add(Tensor(type, OptimumLayout.Logits, "batch_size", "sequence_length", o.VocabularySize));
        foreach (var present in OptimumLayout.PresentNames(o.Layers))
        {
            g.Graph.Output.Add(Tensor(type, present, "batch_size", o.KeyValueHeads, "past_sequence_length + sequence_length", o.HeadSize));
        }

        var c = new Constants(g, o, type);
        var embedding = g.Initializer("embed_tokens", Values(model.TokenEmbeddings.weight!), type, o.VocabularySize, o.HiddenSize);
        var hidden = g.Node("Gather", [embedding, OptimumLayout.InputIds], Int("axis", 0));
        var (cos, sin) = RotaryTables(g, o, c, layout.PositionIds ? OptimumLayout.PositionIds : PositionsFromMask(g));
        var bias = c.ToModel(g, AttentionBias(g));
        for (var layer = 0; layer < o.Layers; layer++)
        {
            hidden = Block(g, layer, model.Blocks[layer], hidden, cos, sin, bias, c);
        }

        var final = RmsNorm(g, "norm", model.FinalNorm, hidden, c);
        g.NodeNamed("MatMul", OptimumLayout.Logits, [final, g.Node("Transpose", [embedding], Ints("perm", 1, 0))]);

        var result = new ModelProto { IrVersion = 7, ProducerName = "InferenceApi.Trainer", Graph = g.Graph };
        result.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return layout.Merged ? MergedDecoderGraph.Wrap(result) : result;
    }

    /// <summary>The new tokens' positions as the running count of the mask, cumsum(mask) − 1 over its last <c>sequence_length</c> columns (−1 on padding, which the mask hides).</summary>
    private static string PositionsFromMask(OnnxGraphBuilder g)
    {
        var counts = g.Node("Sub", [g.Node("CumSum", [OptimumLayout.AttentionMask, g.Int64Scalar("positions_axis", 1)]), g.Int64Scalar("positions_one", 1)]);
        var length = g.Node("Slice", [g.Node("Shape", [OptimumLayout.InputIds]), g.Int64s("positions_seq_start", 1), g.Int64s("positions_seq_end", 2)]);
        return g.Node("Slice", [counts, g.Node("Neg", [length]), g.Int64s("positions_end", long.MaxValue), g.Int64s("positions_axes", 1)]);
    }

    /// <summary>cos and sin [batch, 1, new, headDim] of position · θ^(−2i/d), angles in float32, then in the model's type.</summary>
    private static (string Cos, string Sin) RotaryTables(OnnxGraphBuilder g, LlamaOptions o, Constants c, string positionIds)
    {
        var frequencies = g.Initializer("rotary_inv_freq", Rotary.InverseFrequencies(o.HeadSize, o.RopeTheta), o.HeadSize / 2);
        var positions = g.Node("Unsqueeze", [g.Node("Cast", [positionIds], Int("to", (long)DataType.Float)), g.Int64s("rotary_positions_axes", 2)]);
        var angles = g.Node("Mul", [positions, frequencies]);
        var both = g.Node("Unsqueeze", [g.Node("Concat", [angles, angles], Int("axis", -1)), g.Int64s("rotary_heads_axes", 1)]);
        return (c.ToModel(g, g.Node("Cos", [both])), c.ToModel(g, g.Node("Sin", [both])));
    }

    /// <summary>
    /// [batch, 1, new, past + new], float32: <c>MaskBias</c> where a key lies in a query's future (column &gt; past + row),
    /// plus <c>(1 − attention_mask) · MaskBias</c>, as <see cref="TinyGpt.AttentionBias"/> computes it.
    /// </summary>
    private static string AttentionBias(OnnxGraphBuilder g)
    {
        var zero = g.Int64Scalar("bias_zero", 0);
        var step = g.Int64Scalar("bias_step", 1);
        var length = g.Node("Gather", [g.Node("Shape", [OptimumLayout.InputIds]), g.Int64Scalar("bias_seq_axis", 1)], Int("axis", 0));
        var total = g.Node("Gather", [g.Node("Shape", [OptimumLayout.AttentionMask]), g.Int64Scalar("bias_total_axis", 1)], Int("axis", 0));
        var rows = g.Node("Unsqueeze", [g.Node("Add", [g.Node("Range", [zero, length, step]), g.Node("Sub", [total, length])]), g.Int64s("bias_rows_axes", 1)]);
        var columns = g.Node("Unsqueeze", [g.Node("Range", [zero, total, step]), g.Int64s("bias_columns_axes", 0)]);
        var maskBias = g.Scalar("mask_bias", GptOptions.MaskBias);
        var future = g.Node("Mul", [g.Node("Cast", [g.Node("Greater", [columns, rows])], Int("to", (long)DataType.Float)), maskBias]);
        var mask = g.Node("Cast", [OptimumLayout.AttentionMask], Int("to", (long)DataType.Float));
        var padding = g.Node("Unsqueeze", [g.Node("Mul", [g.Node("Sub", [g.Scalar("bias_one", 1f), mask]), maskBias]), g.Int64s("bias_padding_axes", 1, 2)]);
        return g.Node("Add", [g.Node("Unsqueeze", [future, g.Int64s("bias_future_axes", 0, 1)]), padding]);
    }

    /// <summary>One <see cref="LlamaBlock"/>: rotated keys and the values join the past (<c>present</c>) before the key/value heads are repeated.</summary>
    private static string Block(OnnxGraphBuilder g, int layer, LlamaBlock block, string hidden, string cos, string sin, string bias, Constants c)
    {
        var p = $"layers.{layer}";
        var normed = RmsNorm(g, $"{p}.input_layernorm", block.InputNorm, hidden, c);
        var q = Rotate(g, Heads(g, Linear(g, $"{p}.q_proj", block.Query, normed, c), c.QueryHeads), cos, sin, c);
        var k = Rotate(g, Heads(g, Linear(g, $"{p}.k_proj", block.Key, normed, c), c.KeyValueHeads), cos, sin, c);
        var v = Heads(g, Linear(g, $"{p}.v_proj", block.Value, normed, c), c.KeyValueHeads);
        var keys = g.NodeNamed("Concat", OptimumLayout.PresentKey(layer), [OptimumLayout.PastKey(layer), k], Int("axis", 2));
        var values = g.NodeNamed("Concat", OptimumLayout.PresentValue(layer), [OptimumLayout.PastValue(layer), v], Int("axis", 2));

        var scores = g.Node("Div", [g.Node("MatMul", [q, g.Node("Transpose", [Repeat(g, keys, c)], Ints("perm", 0, 1, 3, 2))]), c.Scale]);
        scores = g.Node("Add", [scores, bias]);
        var weights = c.ToModel(g, g.Node("Softmax", [c.ToFloat(g, scores)], Int("axis", -1)));
        var context = g.Node("MatMul", [weights, Repeat(g, values, c)]);
        context = g.Node("Reshape", [g.Node("Transpose", [context], Ints("perm", 0, 2, 1, 3)), c.Merged]);
        hidden = g.Node("Add", [hidden, Linear(g, $"{p}.o_proj", block.AttentionOutput, context, c)]);

        var inner = RmsNorm(g, $"{p}.post_attention_layernorm", block.PostAttentionNorm, hidden, c);
        var gate = Linear(g, $"{p}.gate_proj", block.Gate, inner, c);
        var swish = g.Node("Mul", [gate, g.Node("Sigmoid", [gate])]);
        var mlp = Linear(g, $"{p}.down_proj", block.Down, g.Node("Mul", [swish, Linear(g, $"{p}.up_proj", block.Up, inner, c)]), c);
        return g.Node("Add", [hidden, mlp]);
    }

    /// <summary>[batch, new, heads·headDim] → [batch, heads, new, headDim].</summary>
    private static string Heads(OnnxGraphBuilder g, string x, string shape) =>
        g.Node("Transpose", [g.Node("Reshape", [x, shape])], Ints("perm", 0, 2, 1, 3));

    /// <summary>x · cos + rotate_half(x) · sin, rotate_half(x) = [−x₂, x₁] over the halves of the head.</summary>
    private static string Rotate(OnnxGraphBuilder g, string x, string cos, string sin, Constants c)
    {
        var first = g.Node("Slice", [x, c.SliceStart, c.SliceMiddle, c.SliceAxis]);
        var second = g.Node("Slice", [x, c.SliceMiddle, c.SliceEnd, c.SliceAxis]);
        var rotated = g.Node("Concat", [g.Node("Neg", [second]), first], Int("axis", -1));
        return g.Node("Add", [g.Node("Mul", [x, cos]), g.Node("Mul", [rotated, sin])]);
    }

    /// <summary>transformers' <c>repeat_kv</c>: [batch, kvHeads, T, d] → [batch, heads, T, d], each key/value head serving a group of consecutive query heads.</summary>
    private static string Repeat(OnnxGraphBuilder g, string x, Constants c)
    {
        if (c.Group == 1)
        {
            return x;
        }

        var unsqueezed = g.Node("Unsqueeze", [x, c.GroupAxis]);
        return g.Node("Reshape", [g.Node("Concat", [.. Enumerable.Repeat(unsqueezed, c.Group)], Int("axis", 2)), c.Repeated]);
    }

    /// <summary>transformers' <c>LlamaRMSNorm</c>: statistics in float32, then the weight multiplies in the model's type.</summary>
    private static string RmsNorm(OnnxGraphBuilder g, string name, Models.RmsNorm norm, string input, Constants c)
    {
        var x = c.ToFloat(g, input);
        var variance = g.Node("ReduceMean", [g.Node("Mul", [x, x])], Ints("axes", -1), Int("keepdims", 1));
        var normed = g.Node("Mul", [x, g.Node("Reciprocal", [g.Node("Sqrt", [g.Node("Add", [variance, c.Eps])])])]);
        var weight = g.Initializer($"{name}.weight", Values(norm.Weight), c.Type, norm.Weight.shape[0]);
        return g.Node("Mul", [weight, c.ToModel(g, normed)]);
    }

    /// <summary>A bias-free projection: x · Wᵀ with Wᵀ stored [in, out].</summary>
    private static string Linear(OnnxGraphBuilder g, string name, Linear linear, string input, Constants c)
    {
        var weight = linear.weight!;
        return g.Node("MatMul", [input, g.Initializer($"{name}.weight", Values(weight.t()), c.Type, weight.shape[1], weight.shape[0])]);
    }

    /// <summary>Graph-wide constants and the casts between the model's type and the float32 islands (none in a float32 graph).</summary>
    private sealed class Constants
    {
        public Constants(OnnxGraphBuilder g, LlamaOptions o, DataType type)
        {
            Type = type;
            Group = o.Heads / o.KeyValueHeads;
            QueryHeads = g.Int64s("query_heads_shape", 0, 0, o.Heads, o.HeadSize);
            KeyValueHeads = g.Int64s("kv_heads_shape", 0, 0, o.KeyValueHeads, o.HeadSize);
            Merged = g.Int64s("merged_shape", 0, 0, o.HiddenSize);
            Repeated = g.Int64s("repeated_kv_shape", 0, o.Heads, -1, o.HeadSize);
            GroupAxis = g.Int64s("kv_group_axis", 2);
            Scale = g.Initializer("attention_scale", [(float)Math.Sqrt(o.HeadSize)], type);
            Eps = g.Scalar("rms_norm_eps", (float)o.RmsNormEps);
            SliceStart = g.Int64s("half_start", 0);
            SliceMiddle = g.Int64s("half_middle", o.HeadSize / 2);
            SliceEnd = g.Int64s("half_end", o.HeadSize);
            SliceAxis = g.Int64s("half_axis", -1);
        }

        public DataType Type { get; }

        public int Group { get; }

        public string QueryHeads { get; }

        public string KeyValueHeads { get; }

        public string Merged { get; }

        public string Repeated { get; }

        public string GroupAxis { get; }

        public string Scale { get; }

        public string Eps { get; }

        public string SliceStart { get; }

        public string SliceMiddle { get; }

        public string SliceEnd { get; }

        public string SliceAxis { get; }

        public string ToFloat(OnnxGraphBuilder g, string x) => Type == DataType.Float ? x : g.Node("Cast", [x], Int("to", (long)DataType.Float));

        public string ToModel(OnnxGraphBuilder g, string x) => Type == DataType.Float ? x : g.Node("Cast", [x], Int("to", (long)Type));
    }
}
