using System.Text.Json.Nodes;
using Google.Protobuf;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Export;

/// <summary>
/// Exports a <see cref="TinyGpt"/> as an optimum-style text-generation folder (model.onnx with past, config.json,
/// vocab.json, merges.txt, tokenizer_config.json, generation_config.json) after the parity checks; written under
/// a temporary name and renamed.
/// </summary>
public static class GptOnnxExporter
{
    public const double DefaultTolerance = DecoderFolderExport.DefaultTolerance;

    public const int ParitySteps = DecoderParityCheck.Steps;

    /// <summary>
    /// Exports to <paramref name="folder"/> (which must not exist); <paramref name="tokenizerDirectory"/> holds vocab.json
    /// and merges.txt. With <paramref name="int8"/> the MatMul weights are quantized and the tolerance is relative to
    /// the logits' magnitude (<see cref="ExportSettings"/>).
    /// </summary>
    public static DecoderParity Publish(TinyGpt model, string folder, string tokenizerDirectory, IReadOnlyList<int[]> prompts, int endOfTextId, double tolerance = DefaultTolerance, bool int8 = false)
    {
        var target = DecoderFolderExport.Prepare(folder, tokenizerDirectory);
        var settings = new ExportSettings(tolerance, int8);
        byte[] bytes;
        using (NewDisposeScope())
        {
            bytes = settings.Finish(GptOnnxGraph.Build(model)).ToByteArray();
        }

        var parity = Check(model, bytes, prompts);
        return DecoderFolderExport.Publish(target, tokenizerDirectory, bytes, parity, settings.Limit(parity.Scale),
            Config(model.Options, endOfTextId), model.Options.MaxPositions, endOfTextId);
    }

    /// <summary>The shared decoder parity check (<see cref="DecoderParityCheck"/>) of a float32 GPT graph against the model.</summary>
    public static DecoderParity Check(TinyGpt model, byte[] onnx, IReadOnlyList<int[]> prompts) =>
        DecoderParityCheck.Run(model, onnx, prompts, DecoderPrecision.Float32);

    private static JsonObject Config(GptOptions o, int endOfTextId) => new()
    {
        ["model_type"] = "gpt2",
        ["architectures"] = new JsonArray("GPT2LMHeadModel"),
        ["vocab_size"] = o.VocabularySize,
        ["n_positions"] = o.MaxPositions,
        ["n_ctx"] = o.MaxPositions,
        ["n_embd"] = o.HiddenSize,
        ["n_layer"] = o.Layers,
        ["n_head"] = o.Heads,
        ["n_inner"] = o.IntermediateSize,
        ["activation_function"] = "gelu",
        ["layer_norm_epsilon"] = o.LayerNormEps,
        ["tie_word_embeddings"] = true,
        ["bos_token_id"] = endOfTextId,
        ["eos_token_id"] = endOfTextId,
        ["use_cache"] = true,
        ["_inference_api_note"] = "tiny GPT-2-style decoder trained from scratch by InferenceApi.Trainer; separate q/k/v projections, exact (erf) GELU",
    };
}
