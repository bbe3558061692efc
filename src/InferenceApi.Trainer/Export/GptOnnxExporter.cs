using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Tokenization;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Models;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Export;

/// <summary>The parity figures of a GPT export.</summary>
/// <param name="OnnxVsTorch">Max abs diff of ONNX Runtime vs TorchSharp logits and presents, over a padded prefill and the decode steps through the cache.</param>
/// <param name="PaddedVsAlone">Max abs diff of each prompt's last logits in the left-padded batch vs run alone (ONNX Runtime).</param>
/// <param name="Steps">Decode steps compared after the prefill.</param>
public sealed record GptParity(double OnnxVsTorch, double PaddedVsAlone, int Steps)
{
    public double Max => Math.Max(OnnxVsTorch, PaddedVsAlone);

    /// <summary>The largest magnitude of TorchSharp's logits compared (what an int8 tolerance is relative to).</summary>
    public double Scale { get; init; }
}

/// <summary>
/// Exports a <see cref="TinyGpt"/> as an optimum-style text-generation folder (model.onnx with past, config.json,
/// vocab.json, merges.txt, tokenizer_config.json, generation_config.json) after the parity checks; written under
/// a temporary name and renamed.
/// </summary>
public static class GptOnnxExporter
{
    public const double DefaultTolerance = 1e-4;

    public const int ParitySteps = 4;

    /// <summary>Exports to <paramref name="folder"/> (which must not exist); <paramref name="tokenizerDirectory"/> holds vocab.json and merges.txt.</summary>
    public static GptParity Publish(TinyGpt model, string folder, string tokenizerDirectory, IReadOnlyList<int[]> prompts, int endOfTextId, double tolerance = DefaultTolerance, bool int8 = false)
    {
        var target = ModelFolderPublisher.Target(folder);
        foreach (var file in new[] { Gpt2TokenizerLoader.VocabularyFileName, Gpt2TokenizerLoader.MergesFileName })
        {
            if (!File.Exists(Path.Combine(tokenizerDirectory, file)))
            {
                throw new FileNotFoundException($"tokenizer file not found: {Path.Combine(tokenizerDirectory, file)}");
            }
        }

        ModelProto onnx;
        using (NewDisposeScope())
        {
            onnx = new ExportSettings(tolerance, int8).Finish(GptOnnxGraph.Build(model));
        }

        var bytes = onnx.ToByteArray();
        var parity = Check(model, bytes, prompts);
        var limit = new ExportSettings(tolerance, int8).Limit(parity.Scale);
        if (!(parity.Max <= limit))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"parity check failed: ONNX Runtime vs TorchSharp {parity.OnnxVsTorch:E3}, padded vs alone {parity.PaddedVsAlone:E3} (tolerance {limit:E1}); nothing was published"));
        }

        ModelFolderPublisher.Publish(target, temporary =>
        {
            File.WriteAllBytes(Path.Combine(temporary, "model.onnx"), bytes);
            foreach (var file in new[] { Gpt2TokenizerLoader.VocabularyFileName, Gpt2TokenizerLoader.MergesFileName })
            {
                File.Copy(Path.Combine(tokenizerDirectory, file), Path.Combine(temporary, file));
            }

            Write(temporary, "config.json", Config(model.Options, endOfTextId));
            Write(temporary, "tokenizer_config.json", TokenizerConfig(model.Options));
            Write(temporary, "generation_config.json", new JsonObject { ["bos_token_id"] = endOfTextId, ["eos_token_id"] = endOfTextId });
        });

        return parity;
    }

    /// <summary>
    /// Left-pads the prompts (as the server right-aligns a batch), runs the prefill and <see cref="ParitySteps"/>
    /// greedy decode steps through TorchSharp and ONNX Runtime, feeding each its own presents back, and compares
    /// logits at every step and the final presents; then runs each prompt alone and compares its last logits.
    /// </summary>
    public static GptParity Check(TinyGpt model, byte[] onnx, IReadOnlyList<int[]> prompts)
    {
        var batch = prompts.Where(p => p.Length > 0).Take(8).ToArray();
        if (batch.Length == 0)
        {
            throw new ArgumentException("parity check needs at least one non-empty prompt", nameof(prompts));
        }

        var o = model.Options;
        if (batch.Max(p => p.Length) + ParitySteps > o.MaxPositions)
        {
            throw new ArgumentException($"parity prompts must leave {ParitySteps} positions of the {o.MaxPositions}-token context", nameof(prompts));
        }

        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var session = new InferenceSession(onnx);
        var step = DecodeBatch.Prefill(batch);
        (Tensor Key, Tensor Value)[]? torchPast = null;
        float[][]? onnxPast = null;
        double diff = 0;
        double scale = 0;
        float[]? firstLogits = null;
        for (var s = 0; s <= ParitySteps; s++)
        {
            var (torchLogits, present) = model.Step(
                tensor(step.Ids, step.IdsShape), tensor(step.Mask, step.MaskShape), tensor(step.Positions, step.IdsShape), torchPast);
            torchPast = present;
            var expected = torchLogits.data<float>().ToArray();
            var (actual, onnxPresent) = Run(session, o, step, onnxPast);
            onnxPast = onnxPresent;
            diff = Math.Max(diff, Compare(expected, actual));
            scale = Math.Max(scale, ModelFolderPublisher.MaxAbs(expected));
            firstLogits ??= actual;

            var next = torchLogits.select(1, -1).argmax(-1).data<long>().ToArray();
            step = step.Next(next);
        }

        for (var layer = 0; layer < o.Layers; layer++)
        {
            diff = Math.Max(diff, Compare(torchPast![layer].Key.data<float>().ToArray(), onnxPast![2 * layer]));
            diff = Math.Max(diff, Compare(torchPast[layer].Value.data<float>().ToArray(), onnxPast[(2 * layer) + 1]));
        }

        return new GptParity(diff, PaddedVsAlone(session, o, batch, firstLogits!), ParitySteps) { Scale = scale };
    }

    private static double PaddedVsAlone(InferenceSession session, GptOptions o, int[][] batch, float[] batchLogits)
    {
        var width = batch.Max(p => p.Length);
        double diff = 0;
        for (var i = 0; i < batch.Length; i++)
        {
            var (alone, _) = Run(session, o, DecodeBatch.Prefill([batch[i]]), null);
            var last = alone.AsSpan(alone.Length - o.VocabularySize);
            diff = Math.Max(diff, ModelFolderPublisher.MaxAbsDiff(last, batchLogits, (((i * width) + width - 1) * o.VocabularySize)));
        }

        return diff;
    }

    private static double Compare(float[] expected, float[] actual) =>
        actual.Length == expected.Length
            ? ModelFolderPublisher.MaxAbsDiff(expected, actual)
            : throw new InvalidDataException($"parity check failed: ONNX Runtime gave {actual.Length} values, TorchSharp {expected.Length}");

    private static (float[] Logits, float[][] Present) Run(InferenceSession session, GptOptions o, DecodeBatch step, float[][]? past)
    {
        var headSize = o.HiddenSize / o.Heads;
        var batch = step.IdsShape[0];
        var pastLength = step.MaskShape[1] - step.IdsShape[1];
        var names = new List<string> { OptimumLayout.InputIds, OptimumLayout.AttentionMask, OptimumLayout.PositionIds };
        var values = new List<OrtValue>
        {
            OrtValue.CreateTensorValueFromMemory(step.Ids, step.IdsShape),
            OrtValue.CreateTensorValueFromMemory(step.Mask, step.MaskShape),
            OrtValue.CreateTensorValueFromMemory(step.Positions, step.IdsShape),
        };
        var outputs = new List<string> { OptimumLayout.Logits };
        for (var layer = 0; layer < o.Layers; layer++)
        {
            foreach (var (pastName, presentName, index) in new[] { (OptimumLayout.PastKey(layer), OptimumLayout.PresentKey(layer), 2 * layer), (OptimumLayout.PastValue(layer), OptimumLayout.PresentValue(layer), (2 * layer) + 1) })
            {
                names.Add(pastName);
                values.Add(OrtValue.CreateTensorValueFromMemory(past?[index] ?? [], [batch, o.Heads, pastLength, headSize]));
                outputs.Add(presentName);
            }
        }

        try
        {
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, names, values, outputs);
            var present = new float[2 * o.Layers][];
            for (var i = 0; i < present.Length; i++)
            {
                present[i] = results[i + 1].GetTensorDataAsSpan<float>().ToArray();
            }

            return (results[0].GetTensorDataAsSpan<float>().ToArray(), present);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private static void Write(string folder, string name, JsonObject json) =>
        File.WriteAllText(Path.Combine(folder, name), json.ToJsonString(ModelFolderPublisher.Indented));

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

    private static JsonObject TokenizerConfig(GptOptions o) => new()
    {
        ["tokenizer_class"] = "GPT2Tokenizer",
        ["model_max_length"] = o.MaxPositions,
        ["add_prefix_space"] = false,
        ["bos_token"] = Gpt2TokenizerOptions.EndOfText,
        ["eos_token"] = Gpt2TokenizerOptions.EndOfText,
        ["unk_token"] = Gpt2TokenizerOptions.EndOfText,
    };

    /// <summary>One step's inputs: left-padded ids and positions [batch, new], the mask over past + new.</summary>
    private sealed record DecodeBatch(long[] Ids, long[] Positions, long[] IdsShape, long[] Mask, long[] MaskShape, long[] NextPosition)
    {
        public static DecodeBatch Prefill(int[][] prompts)
        {
            var width = prompts.Max(p => p.Length);
            var ids = new long[prompts.Length * width];
            var positions = new long[ids.Length];
            var mask = new long[ids.Length];
            var next = new long[prompts.Length];
            for (var b = 0; b < prompts.Length; b++)
            {
                var offset = width - prompts[b].Length;
                for (var i = 0; i < prompts[b].Length; i++)
                {
                    ids[(b * width) + offset + i] = prompts[b][i];
                    positions[(b * width) + offset + i] = i;
                    mask[(b * width) + offset + i] = 1;
                }

                next[b] = prompts[b].Length;
            }

            return new DecodeBatch(ids, positions, [prompts.Length, width], mask, [prompts.Length, width], next);
        }

        /// <summary>The following step: one new token per sequence, the mask one wider.</summary>
        public DecodeBatch Next(long[] tokens)
        {
            var batch = tokens.Length;
            var oldWidth = MaskShape[1];
            var mask = new long[batch * (oldWidth + 1)];
            for (var b = 0; b < batch; b++)
            {
                Array.Copy(Mask, b * oldWidth, mask, b * (oldWidth + 1), oldWidth);
                mask[(b * (oldWidth + 1)) + oldWidth] = 1;
            }

            return new DecodeBatch(tokens, (long[])NextPosition.Clone(), [batch, 1], mask, [batch, oldWidth + 1], NextPosition.Select(p => p + 1).ToArray());
        }
    }
}
