using System.Globalization;
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

/// <summary>
/// Exports a <see cref="TinyVit"/> as a model folder in the repository layout (model.onnx, config.json,
/// preprocessor_config.json). The ONNX graph is checked against TorchSharp first; the folder is written under a
/// temporary name and renamed, so a watching server never sees half a model.
/// </summary>
public static class VitOnnxExporter
{
    public const double DefaultTolerance = 1e-4;

    /// <summary>Exports to <paramref name="folder"/> (which must not exist); returns the parity max abs diff.</summary>
    /// <param name="labels">The label names in logit order; they become <c>id2label</c>.</param>
    public static double Publish(TinyVit model, string folder, ImageDataset samples, IReadOnlyList<string> labels, double tolerance = DefaultTolerance, bool int8 = false)
    {
        if (labels.Count != model.Options.Labels)
        {
            throw new ArgumentException($"the model has {model.Options.Labels} outputs but {labels.Count} label names were given", nameof(labels));
        }

        var target = ModelFolderPublisher.Target(folder);

        ModelProto onnx;
        using (NewDisposeScope())
        {
            onnx = new ExportSettings(tolerance, int8).Finish(VitOnnxGraph.Build(model));
        }

        var bytes = onnx.ToByteArray();
        var (diff, scale) = Parity(model, bytes, samples);
        var limit = new ExportSettings(tolerance, int8).Limit(scale);
        if (!(diff <= limit))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"parity check failed: ONNX Runtime and TorchSharp differ by {diff:E3} (tolerance {limit:E1}); nothing was published"));
        }

        ModelFolderPublisher.Publish(target, temporary =>
        {
            File.WriteAllBytes(Path.Combine(temporary, "model.onnx"), bytes);
            File.WriteAllText(Path.Combine(temporary, "config.json"), Config(model.Options, labels).ToJsonString(ModelFolderPublisher.Indented));
            File.WriteAllText(Path.Combine(temporary, "preprocessor_config.json"), Preprocessor(model.Options).ToJsonString(ModelFolderPublisher.Indented));
        });

        return diff;
    }

    /// <summary>Runs up to 32 samples, grey replicated to 3 channels as the server feeds them, through both.</summary>
    public static double MaxAbsDiff(TinyVit model, byte[] onnx, ImageDataset samples) => Parity(model, onnx, samples).Diff;

    /// <summary>The max abs diff, and the largest magnitude of TorchSharp's logits (what an int8 tolerance is relative to).</summary>
    private static (double Diff, double Scale) Parity(TinyVit model, byte[] onnx, ImageDataset samples)
    {
        var count = Math.Min(samples.Count, 32);
        var side = model.Options.ImageSize;
        if (samples.Height != side || samples.Width != side)
        {
            throw new ArgumentException($"parity samples are {samples.Height}×{samples.Width}; the model takes {side}×{side}", nameof(samples));
        }

        var rgb = samples.ToRgb(count);
        long[] shape = [count, 3, side, side];
        float[] expected;
        model.eval();
        using (no_grad())
        using (NewDisposeScope())
        {
            expected = model.forward(tensor(rgb, shape)).data<float>().ToArray();
        }

        using var options = Int8Kernels.NewSessionOptions();
        using var session = new InferenceSession(onnx, options);
        using var input = OrtValue.CreateTensorValueFromMemory(rgb, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OptimumLayout.PixelValues], [input], [OptimumLayout.Logits]);
        var actual = outputs[0].GetTensorDataAsSpan<float>();
        if (actual.Length != expected.Length)
        {
            throw new InvalidDataException($"parity check failed: ONNX logits have {actual.Length} values, TorchSharp {expected.Length}");
        }

        return (ModelFolderPublisher.MaxAbsDiff(expected, actual), ModelFolderPublisher.MaxAbs(expected));
    }

    private static JsonObject Config(VitOptions o, IReadOnlyList<string> labels)
    {
        var (id2label, label2id) = LabelMaps.Create(labels);

        return new JsonObject
        {
            ["model_type"] = "vit",
            ["architectures"] = new JsonArray("ViTForImageClassification"),
            ["image_size"] = o.ImageSize,
            ["patch_size"] = o.PatchSize,
            ["num_channels"] = 3,
            ["hidden_size"] = o.HiddenSize,
            ["num_hidden_layers"] = o.Layers,
            ["num_attention_heads"] = o.Heads,
            ["intermediate_size"] = o.IntermediateSize,
            ["hidden_act"] = "gelu",
            ["layer_norm_eps"] = o.LayerNormEps,
            ["id2label"] = id2label,
            ["label2id"] = label2id,
            // Why the channels are averaged: the digits are grey; the model takes the mean of R, G and B first.
            ["_inference_api_note"] = "tiny ViT trained by InferenceApi.Trainer; RGB input is averaged over channels first",
        };
    }

    /// <summary>The same settings the trainer preprocessed its images with (<see cref="ImageNormalization"/>).</summary>
    private static JsonObject Preprocessor(VitOptions o)
    {
        var config = ImageNormalization.Config(o.ImageSize);
        return new JsonObject
        {
            ["image_processor_type"] = config.ImageProcessorType,
            ["do_resize"] = config.DoResize,
            ["size"] = new JsonObject { ["height"] = config.Size.Height, ["width"] = config.Size.Width },
            ["resample"] = (int)config.Resample,
            ["do_rescale"] = config.DoRescale,
            ["rescale_factor"] = config.RescaleFactor,
            ["do_normalize"] = config.DoNormalize,
            ["image_mean"] = new JsonArray([.. config.ImageMean.Select(v => JsonValue.Create(v))]),
            ["image_std"] = new JsonArray([.. config.ImageStd.Select(v => JsonValue.Create(v))]),
        };
    }
}
