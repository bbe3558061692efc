using System.Globalization;
using System.Text.Json.Nodes;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Trainer.Export;

/// <summary>
/// What every decoder export shares once its graph is built: the parity check against the tolerance, then an
/// optimum-style text-generation folder (model.onnx, config.json, the byte-level BPE's vocab.json and merges.txt,
/// tokenizer_config.json, generation_config.json) written under a temporary name and renamed.
/// </summary>
public static class DecoderFolderExport
{
    public const double DefaultTolerance = 1e-4;

    /// <summary>Fails before any work when the target exists or the tokenizer files are missing; returns the target's full path.</summary>
    public static string Prepare(string folder, string tokenizerDirectory)
    {
        var target = ModelFolderPublisher.Target(folder);
        foreach (var file in new[] { Gpt2TokenizerLoader.VocabularyFileName, Gpt2TokenizerLoader.MergesFileName })
        {
            if (!File.Exists(Path.Combine(tokenizerDirectory, file)))
            {
                throw new FileNotFoundException($"tokenizer file not found: {Path.Combine(tokenizerDirectory, file)}");
            }
        }

        return target;
    }

    /// <summary>Publishes <paramref name="onnx"/> with its configs when <paramref name="parity"/> is within <paramref name="limit"/>; otherwise throws and writes nothing.</summary>
    public static DecoderParity Publish(string target, string tokenizerDirectory, byte[] onnx, DecoderParity parity, double limit, JsonObject config, int maxPositions, int endOfTextId)
    {
        if (!(parity.Max <= limit))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"parity check failed: ONNX Runtime vs TorchSharp {parity.OnnxVsTorch:E3}, padded vs alone {parity.PaddedVsAlone:E3} (tolerance {limit:E1}); nothing was published"));
        }

        ModelFolderPublisher.Publish(target, temporary =>
        {
            File.WriteAllBytes(Path.Combine(temporary, "model.onnx"), onnx);
            foreach (var file in new[] { Gpt2TokenizerLoader.VocabularyFileName, Gpt2TokenizerLoader.MergesFileName })
            {
                File.Copy(Path.Combine(tokenizerDirectory, file), Path.Combine(temporary, file));
            }

            Write(temporary, "config.json", config);
            Write(temporary, "tokenizer_config.json", new JsonObject
            {
                ["tokenizer_class"] = "GPT2Tokenizer",
                ["model_max_length"] = maxPositions,
                ["add_prefix_space"] = false,
                ["bos_token"] = Gpt2TokenizerOptions.EndOfText,
                ["eos_token"] = Gpt2TokenizerOptions.EndOfText,
                ["unk_token"] = Gpt2TokenizerOptions.EndOfText,
            });
            Write(temporary, "generation_config.json", new JsonObject { ["bos_token_id"] = endOfTextId, ["eos_token_id"] = endOfTextId });
        });

        return parity;
    }

    private static void Write(string folder, string name, JsonObject json) =>
        File.WriteAllText(Path.Combine(folder, name), json.ToJsonString(ModelFolderPublisher.Indented));
}
