using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using InferenceApi.Core.Backends;
using InferenceApi.Onnx;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Export;

/// <summary>The two parity figures of a BERT export.</summary>
/// <param name="OnnxVsTorch">Max abs diff of ONNX Runtime vs TorchSharp logits on a padded batch of different lengths.</param>
/// <param name="PaddedVsUnpadded">Max abs diff of each sequence's logits in the padded batch vs run alone, unpadded (ONNX Runtime).</param>
public sealed record BertParity(double OnnxVsTorch, double PaddedVsUnpadded)
{
    public double Max => Math.Max(OnnxVsTorch, PaddedVsUnpadded);

    /// <summary>The largest magnitude of TorchSharp's outputs compared (what an int8 tolerance is relative to).</summary>
    public double Scale { get; init; }
}

/// <summary>
/// Exports a <see cref="TinyBert"/> as an optimum-style text-classification folder (model.onnx, config.json,
/// vocab.txt, tokenizer_config.json), after the parity checks; written under a temporary name and renamed.
/// </summary>
public static class BertOnnxExporter
{
    public const double DefaultTolerance = 1e-4;

    private const int SampleCount = 16;

    /// <summary>Exports to <paramref name="folder"/> (which must not exist); <paramref name="samples"/> are token id sequences.</summary>
    /// <param name="labels">The label names in logit order; they become <c>id2label</c>.</param>
    /// <param name="doLowerCase">What the tokenizer did in training; written to <c>tokenizer_config.json</c> so serving does the same.</param>
    public static BertParity Publish(
        TinyBert model, string folder, string vocabularyPath, IReadOnlyList<int[]> samples, int padId, IReadOnlyList<string> labels, bool doLowerCase = true, double tolerance = DefaultTolerance, bool int8 = false)
    {
        if (labels.Count != model.Options.Labels)
        {
            throw new ArgumentException($"the model has {model.Options.Labels} outputs but {labels.Count} label names were given", nameof(labels));
        }

        return Publish(model.Options, folder, vocabularyPath, doLowerCase, new ExportSettings(tolerance, int8), Config(model.Options, padId, labels),
            () => BertOnnxGraph.Build(model), bytes => Check(model, model.forward, bytes, samples, padId, OptimumLayout.Logits));
    }

    /// <summary>
    /// Exports an ensemble as one text-classification folder: every member's graph, and <c>logits</c> that are the
    /// log of their mean probabilities (<see cref="TinyBertEnsemble"/>). The members share <paramref name="vocabularyPath"/>.
    /// </summary>
    public static BertParity PublishEnsemble(
        TinyBertEnsemble ensemble, string folder, string vocabularyPath, IReadOnlyList<int[]> samples, int padId, IReadOnlyList<string> labels, bool doLowerCase = true, double tolerance = DefaultTolerance, bool int8 = false)
    {
        if (labels.Count != ensemble.Labels)
        {
            throw new ArgumentException($"the ensemble has {ensemble.Labels} outputs but {labels.Count} label names were given", nameof(labels));
        }

        var members = ensemble.Members.Select(m => m.Options).ToArray();
        var config = Config(members[0], padId, labels);
        config["_inference_api_note"] = $"an ensemble of {members.Length} tiny pre-LayerNorm BERTs trained by InferenceApi.Trainer, sharing one vocabulary; "
            + "logits are the log of their mean class probabilities; no token_type_ids";
        config["_inference_api_ensemble"] = new JsonArray([.. members.Select(m => JsonSerializer.SerializeToNode(m, Checkpoints.Checkpoint.Json))]);
        return Publish(members[0], folder, vocabularyPath, doLowerCase, new ExportSettings(tolerance, int8), config,
            () => BertOnnxGraph.BuildEnsemble(ensemble), bytes => Check(ensemble, ensemble.forward, bytes, samples, padId, OptimumLayout.Logits));
    }

    /// <summary>
    /// Exports the encoder without its head, for the server's embeddings endpoints (<c>/v1/embed</c>,
    /// <c>/v1/embeddings</c>): <c>last_hidden_state</c> [batch, sequence, hidden], which the server mean-pools under the mask.
    /// </summary>
    public static BertParity PublishEncoder(
        TinyBert model, string folder, string vocabularyPath, IReadOnlyList<int[]> samples, int padId, bool doLowerCase = true, double tolerance = DefaultTolerance, bool int8 = false) =>
        Publish(model.Options, folder, vocabularyPath, doLowerCase, new ExportSettings(tolerance, int8), EncoderConfig(model.Options, padId),
            () => BertOnnxGraph.BuildEncoder(model), bytes => Check(model, model.Encode, bytes, samples, padId, OptimumLayout.LastHiddenState));

    /// <param name="options">The architecture whose sizes go into tokenizer_config.json.</param>
    /// <param name="build">The ONNX graph, built inside a dispose scope (it reads the weights through temporary tensors).</param>
    /// <param name="check">The parity check of the serialized graph.</param>
    private static BertParity Publish(
        BertOptions options, string folder, string vocabularyPath, bool doLowerCase, ExportSettings settings, JsonObject config, Func<ModelProto> build, Func<byte[], BertParity> check)
    {
        var target = ModelFolderPublisher.Target(folder);
        if (!File.Exists(vocabularyPath))
        {
            throw new FileNotFoundException($"vocabulary not found: {vocabularyPath}", vocabularyPath);
        }

        ModelProto onnx;
        using (NewDisposeScope())
        {
            onnx = settings.Finish(build());
        }

        var bytes = onnx.ToByteArray();
        var parity = check(bytes);
        if (!(parity.Max <= settings.Limit(parity.Scale)))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"parity check failed: ONNX Runtime vs TorchSharp {parity.OnnxVsTorch:E3}, padded vs unpadded {parity.PaddedVsUnpadded:E3} (tolerance {settings.Limit(parity.Scale):E1}); nothing was published"));
        }

        ModelFolderPublisher.Publish(target, temporary =>
        {
            File.WriteAllBytes(Path.Combine(temporary, "model.onnx"), bytes);
            File.WriteAllText(Path.Combine(temporary, "config.json"), config.ToJsonString(ModelFolderPublisher.Indented));
            File.Copy(vocabularyPath, Path.Combine(temporary, "vocab.txt"));
            File.WriteAllText(Path.Combine(temporary, "tokenizer_config.json"), TokenizerConfig(options, doLowerCase).ToJsonString(ModelFolderPublisher.Indented));
        });

        return parity;
    }

    /// <summary>
    /// Runs up to 16 samples, right-padded to the longest, through TorchSharp and ONNX Runtime, and each sample
    /// alone without padding through ONNX Runtime; the samples should have different lengths.
    /// </summary>
    public static BertParity Check(TinyBert model, byte[] onnx, IReadOnlyList<int[]> samples, int padId) =>
        Check(model, model.forward, onnx, samples, padId, OptimumLayout.Logits);

    /// <summary>
    /// <see cref="Check(TinyBert, byte[], IReadOnlyList{int[]}, int)"/> for any of the graphs: a classifier's or an
    /// ensemble's logits, or the encoder's <c>last_hidden_state</c> (all positions against TorchSharp; each sample's
    /// real positions alone).
    /// </summary>
    /// <param name="forward">TorchSharp's output for the same graph output, given input ids and attention mask.</param>
    private static BertParity Check(nn.Module module, Func<Tensor, Tensor, Tensor> forward, byte[] onnx, IReadOnlyList<int[]> samples, int padId, string output)
    {
        var batch = samples.Take(SampleCount).ToArray();
        if (batch.Length == 0)
        {
            throw new ArgumentException("parity check needs at least one sample", nameof(samples));
        }

        var (ids, mask, shape) = TextClassificationDataset.Pad(batch, padId);
        float[] expected;
        module.eval();
        using (no_grad())
        using (NewDisposeScope())
        {
            expected = forward(tensor(ids, shape), tensor(mask, shape)).data<float>().ToArray();
        }

        using var options = Int8Kernels.NewSessionOptions();
        using var session = new InferenceSession(onnx, options);
        var actual = Run(session, ids, mask, shape, output);
        if (actual.Length != expected.Length)
        {
            throw new InvalidDataException($"parity check failed: ONNX {output} has {actual.Length} values, TorchSharp {expected.Length}");
        }

        var onnxVsTorch = ModelFolderPublisher.MaxAbsDiff(expected, actual);
        // One sample's values in the batch output: its logits, or all its (padded) positions' hidden states.
        var row = actual.Length / batch.Length;
        double paddedVsUnpadded = 0;
        for (var i = 0; i < batch.Length; i++)
        {
            var (alone, aloneMask, aloneShape) = TextClassificationDataset.Pad([batch[i]], padId);
            var single = Run(session, alone, aloneMask, aloneShape, output);
            paddedVsUnpadded = Math.Max(paddedVsUnpadded, ModelFolderPublisher.MaxAbsDiff(single, actual, (int)(i * row)));
        }

        return new BertParity(onnxVsTorch, paddedVsUnpadded) { Scale = ModelFolderPublisher.MaxAbs(expected) };
    }

    private static float[] Run(InferenceSession session, long[] ids, long[] mask, long[] shape, string output)
    {
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OptimumLayout.InputIds, OptimumLayout.AttentionMask], [idsValue, maskValue], [output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static JsonObject Config(BertOptions o, int padId, IReadOnlyList<string> labels)
    {
        var (id2label, label2id) = LabelMaps.Create(labels);

        return new JsonObject
        {
            ["model_type"] = "bert",
            ["architectures"] = new JsonArray("BertForSequenceClassification"),
            ["vocab_size"] = o.VocabularySize,
            ["max_position_embeddings"] = o.MaxPositions,
            ["hidden_size"] = o.HiddenSize,
            ["num_hidden_layers"] = o.Layers,
            ["num_attention_heads"] = o.Heads,
            ["intermediate_size"] = o.IntermediateSize,
            ["hidden_act"] = "gelu",
            ["layer_norm_eps"] = o.LayerNormEps,
            ["type_vocab_size"] = 0,
            ["pad_token_id"] = padId,
            ["problem_type"] = "single_label_classification",
            ["id2label"] = id2label,
            ["label2id"] = label2id,
            ["_inference_api_note"] = o.Pooling == BertPooling.Mean
                ? "tiny pre-LayerNorm BERT trained by InferenceApi.Trainer; no token_type_ids; classifier on the mean of the real tokens"
                : "tiny pre-LayerNorm BERT trained by InferenceApi.Trainer; no token_type_ids; classifier on the [CLS] position",
        };
    }

    private static JsonObject EncoderConfig(BertOptions o, int padId)
    {
        var config = Config(o, padId, [.. Enumerable.Range(0, o.Labels).Select(i => i.ToString(CultureInfo.InvariantCulture))]);
        foreach (var key in new[] { "id2label", "label2id", "problem_type" })
        {
            config.Remove(key);
        }

        config["architectures"] = new JsonArray("BertModel");
        config["_inference_api_note"] = "the encoder of a tiny BERT classifier trained by InferenceApi.Trainer, without its head: last_hidden_state for embeddings";
        return config;
    }

    private static JsonObject TokenizerConfig(BertOptions o, bool doLowerCase) => new()
    {
        ["tokenizer_class"] = "BertTokenizer",
        ["do_lower_case"] = doLowerCase,
        ["model_max_length"] = o.MaxPositions,
        ["cls_token"] = "[CLS]",
        ["sep_token"] = "[SEP]",
        ["pad_token"] = "[PAD]",
        ["unk_token"] = "[UNK]",
        ["mask_token"] = "[MASK]",
    };
}
