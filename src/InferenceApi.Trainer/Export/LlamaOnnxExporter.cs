using System.Text.Json.Nodes;
using Google.Protobuf;
using TorchSharp;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Export;

/// <summary>
/// Exports a <see cref="TinyLlama"/> as the folder optimum writes for a Llama (model.onnx with past, a
/// <c>LlamaForCausalLM</c> config.json, generation_config.json) with the trainer's byte-level BPE, after the decoder
/// parity check (<see cref="DecoderParityCheck"/>). A float16 export is checked against a copy of the model with its
/// weights rounded to float16 (<see cref="Float16WeightsCopy"/>), at <see cref="Float16Tolerance"/>.
/// </summary>
public static class LlamaOnnxExporter
{
    /// <summary>
    /// The float16 parity tolerance. Both sides hold the same float16-rounded weights; the ONNX graph also rounds every
    /// node's output to float16 (11 significant bits: a relative step of 2⁻¹¹ ≈ 4.9e-4) where the reference keeps
    /// float32, so a logit of magnitude up to ~8 may differ by a few of its float16 steps (2⁻⁸ ≈ 3.9e-3 between 4 and 8)
    /// after a dozen rounded layers. 5e-2 allows that and still fails any real mistake, which moves logits by their own
    /// magnitude.
    /// </summary>
    public const double Float16Tolerance = 5e-2;

    /// <summary>Exports to <paramref name="folder"/> (which must not exist); <paramref name="tokenizerDirectory"/> holds vocab.json and merges.txt.</summary>
    public static DecoderParity Publish(
        TinyLlama model, string folder, string tokenizerDirectory, IReadOnlyList<int[]> prompts, int endOfTextId,
        double tolerance = DecoderFolderExport.DefaultTolerance, DecoderGraphLayout? layout = null, bool int8 = false)
    {
        layout ??= DecoderGraphLayout.Default;
        var settings = new ExportSettings(tolerance, int8);
        if (int8 && layout.Precision == DecoderPrecision.Float16)
        {
            throw new ArgumentException("an int8 graph quantizes float32 weights; a float16 layout has none", nameof(int8));
        }

        var target = DecoderFolderExport.Prepare(folder, tokenizerDirectory);
        var bytes = Build(model, layout, settings);
        var parity = Check(model, bytes, prompts, layout.Precision);
        return DecoderFolderExport.Publish(target, tokenizerDirectory, bytes, parity, settings.Limit(parity.Scale),
            Config(model.Options, endOfTextId, layout.Precision), model.Options.MaxPositions, endOfTextId);
    }

    /// <param name="settings">int8 quantization of the MatMul weights when it asks for it; none by default.</param>
    public static byte[] Build(TinyLlama model, DecoderGraphLayout? layout = null, ExportSettings? settings = null)
    {
        using (NewDisposeScope())
        {
            var graph = LlamaOnnxGraph.Build(model, layout);
            return (settings?.Finish(graph) ?? graph).ToByteArray();
        }
    }

    /// <summary>The decoder parity check of a graph built from <paramref name="model"/>; a float16 graph against <see cref="Float16WeightsCopy"/> of it.</summary>
    public static DecoderParity Check(TinyLlama model, byte[] onnx, IReadOnlyList<int[]> prompts, DecoderPrecision precision = DecoderPrecision.Float32)
    {
        if (precision == DecoderPrecision.Float32)
        {
            return DecoderParityCheck.Run(model, onnx, prompts, precision);
        }

        using var rounded = Float16WeightsCopy(model);
        return DecoderParityCheck.Run(rounded, onnx, prompts, precision);
    }

    /// <summary>The tolerance a layout's parity check is held to: <see cref="DecoderFolderExport.DefaultTolerance"/>, or <see cref="Float16Tolerance"/> for float16.</summary>
    public static double Tolerance(DecoderGraphLayout layout) =>
        layout.Precision == DecoderPrecision.Float16 ? Float16Tolerance : DecoderFolderExport.DefaultTolerance;

    /// <summary>
    /// The same model with every weight rounded to float16 (to nearest even, as the export rounds them) and computing in
    /// float32: the float16 export's reference. Not a float16 TorchSharp model, because libtorch's float16 CPU kernels
    /// depend on the processor (PyTorch picks its float16 GEMM by the CPU's features, oneDNN's where AVX512-FP16 or
    /// AMX-FP16 is present): against a float16 copy one CI machine read 6.3e-2, over the tolerance, where our
    /// development machine reads 3.9e-3 (3.7e-3 against this copy), while the float32 export agreed to 1e-4 on both.
    /// </summary>
    public static TinyLlama Float16WeightsCopy(TinyLlama model)
    {
        var copy = new TinyLlama(model.Options);
        copy.load_state_dict(model.state_dict());
        copy.to(ScalarType.Float16);
        copy.to(ScalarType.Float32);
        copy.eval();
        return copy;
    }

    private static JsonObject Config(LlamaOptions o, int endOfTextId, DecoderPrecision precision) => new()
    {
        ["model_type"] = "llama",
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["vocab_size"] = o.VocabularySize,
        ["hidden_size"] = o.HiddenSize,
        ["intermediate_size"] = o.IntermediateSize,
        ["num_hidden_layers"] = o.Layers,
        ["num_attention_heads"] = o.Heads,
        ["num_key_value_heads"] = o.KeyValueHeads,
        ["head_dim"] = o.HeadSize,
        ["hidden_act"] = "silu",
        ["max_position_embeddings"] = o.MaxPositions,
        ["rms_norm_eps"] = o.RmsNormEps,
        ["rope_theta"] = o.RopeTheta,
        ["attention_bias"] = false,
        ["mlp_bias"] = false,
        ["tie_word_embeddings"] = true,
        ["bos_token_id"] = endOfTextId,
        ["eos_token_id"] = endOfTextId,
        ["torch_dtype"] = precision == DecoderPrecision.Float16 ? "float16" : "float32",
        ["use_cache"] = true,
        ["_inference_api_note"] = "tiny Llama-style decoder trained from scratch by InferenceApi.Trainer: RMSNorm, rotary embeddings, grouped-query attention, SwiGLU; byte-level BPE",
    };
}
