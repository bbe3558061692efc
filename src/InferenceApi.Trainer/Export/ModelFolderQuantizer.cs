using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Imaging;
using InferenceApi.Core.Tokenization;
using InferenceApi.Onnx;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Training;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Trainer.Export;

/// <summary>What <see cref="ModelFolderQuantizer.Publish"/> measured: parity of the int8 graph against the float32 one, and both accuracies on the data.</summary>
/// <param name="MaxAbsDiff">Largest logit difference, int8 vs float32, both under ONNX Runtime.</param>
/// <param name="Scale">Largest float32 logit magnitude on the same inputs (the tolerance is relative to it).</param>
/// <param name="Float32">Accuracy and loss of the original graph on the data, or null without data.</param>
/// <param name="Int8">The same for the int8 graph.</param>
public sealed record QuantizedFolder(string Folder, double MaxAbsDiff, double Scale, double Tolerance, Evaluation? Float32, Evaluation? Int8, long Float32Bytes, long Int8Bytes);

/// <summary>
/// Quantizes a served classifier's model folder (text: input_ids/attention_mask with vocab.txt; image: pixel_values with
/// preprocessor_config.json), whoever exported it: <c>model.onnx</c> becomes its int8 graph (<see cref="OnnxInt8Quantizer"/>),
/// every other file is copied, and the folder is published by rename after a parity check against the float32 graph.
/// With labelled data (read with the folder's own tokenizer or preprocessor) both graphs are scored on all of it.
/// </summary>
public static class ModelFolderQuantizer
{
    private const string ModelFile = "model.onnx";
    private const int ParityExamples = 64;

    /// <param name="tolerance">Largest logit difference accepted, relative to the largest float32 logit magnitude (at least 1).</param>
    /// <param name="readText">Reads a labelled text file's rows (the caller's format and column options).</param>
    public static QuantizedFolder Publish(string source, string target, string? dataPath, double tolerance, Func<string, IReadOnlyList<LabelledText>> readText)
    {
        var folder = ModelFolderPublisher.Target(target);
        var modelPath = Path.Combine(source, ModelFile);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"{source} has no {ModelFile}", modelPath);
        }

        var float32 = File.ReadAllBytes(modelPath);
        var int8 = OnnxInt8Quantizer.Quantize(ModelProto.Parser.ParseFrom(float32)).ToByteArray();
        var examples = ReadExamples(source, float32, dataPath, readText);
        var (diff, scale) = Parity(float32, int8, examples);
        var limit = tolerance * Math.Max(1, scale);
        if (!(diff <= limit))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"parity check failed: the int8 graph's logits differ from the float32 graph's by {diff:E3} (tolerance {limit:E1}); nothing was published"));
        }

        Evaluation? before = null, after = null;
        if (dataPath is not null)
        {
            before = OnnxClassification.Run(float32, examples.Labels, ClassificationEvaluation.DefaultBatchSize, examples.Inputs);
            after = OnnxClassification.Run(int8, examples.Labels, ClassificationEvaluation.DefaultBatchSize, examples.Inputs);
        }

        ModelFolderPublisher.Publish(folder, temporary =>
        {
            foreach (var file in Directory.EnumerateFiles(source).Where(f => Path.GetFileName(f) != ModelFile))
            {
                File.Copy(file, Path.Combine(temporary, Path.GetFileName(file)));
            }

            File.WriteAllBytes(Path.Combine(temporary, ModelFile), int8);
        });
        return new QuantizedFolder(folder, diff, scale, limit, before, after, float32.Length, int8.Length);
    }

    /// <summary>Labels and a feeder of graph inputs: the data read as the server reads requests, or seeded synthetic inputs.</summary>
    private static ExampleFeed ReadExamples(string source, byte[] float32, string? dataPath, Func<string, IReadOnlyList<LabelledText>> readText)
    {
        using var session = new InferenceSession(float32);
        var inputs = session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        if (inputs.Contains(OptimumLayout.PixelValues))
        {
            var config = PreprocessorConfig.Load(Path.Combine(source, "preprocessor_config.json"));
            var images = dataPath is null ? SyntheticImages(config) : ImageFolder.Load(dataPath, Labels(source), config);
            return new ExampleFeed(images.Labels, indices => new Dictionary<string, OrtValue>
            {
                [OptimumLayout.PixelValues] = OrtValue.CreateTensorValueFromMemory(images.Subset(indices).ToRgb(indices.Length), [indices.Length, 3, images.Height, images.Width]),
            });
        }

        if (!inputs.Contains(OptimumLayout.InputIds))
        {
            throw new InvalidDataException($"{source}: the graph takes neither pixel_values nor input_ids ({string.Join(", ", inputs)}); only classifiers are quantized here");
        }

        var tokenizer = BertTokenizerLoader.Load(source);
        var length = tokenizer.Options.ModelMaxLength ?? 512;
        var texts = dataPath is null ? SyntheticTexts(tokenizer) : TextClassificationDataset.Tokenize(readText(dataPath), Labels(source), tokenizer, length, dataPath);
        return new ExampleFeed(texts.Labels, indices =>
        {
            var (ids, mask, shape) = TextClassificationDataset.Pad([.. indices.Select(i => texts.Ids[i])], tokenizer.PadTokenId);
            var feed = new Dictionary<string, OrtValue>
            {
                [OptimumLayout.InputIds] = OrtValue.CreateTensorValueFromMemory(ids, shape),
                [OptimumLayout.AttentionMask] = OrtValue.CreateTensorValueFromMemory(mask, shape),
            };
            if (inputs.Contains(OptimumLayout.TokenTypeIds))
            {
                feed[OptimumLayout.TokenTypeIds] = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
            }

            return feed;
        });
    }

    /// <summary>Max abs diff of the two graphs' logits on the first examples, and the largest float32 logit magnitude.</summary>
    private static (double Diff, double Scale) Parity(byte[] float32, byte[] int8, ExampleFeed examples)
    {
        var indices = Enumerable.Range(0, Math.Min(ParityExamples, examples.Labels.Count)).ToArray();
        var expected = Logits(float32, examples.Inputs(indices));
        var actual = Logits(int8, examples.Inputs(indices));
        return (ModelFolderPublisher.MaxAbsDiff(expected, actual), ModelFolderPublisher.MaxAbs(expected));
    }

    private static float[] Logits(byte[] onnx, IReadOnlyDictionary<string, OrtValue> feed)
    {
        try
        {
            using var options = Int8Kernels.NewSessionOptions();
            using var session = new InferenceSession(onnx, options);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [.. feed.Keys], [.. feed.Values], [OptimumLayout.Logits]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var value in feed.Values)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>The label names in logit order, from config.json's <c>id2label</c>.</summary>
    private static LabelSet Labels(string source)
    {
        var path = Path.Combine(source, "config.json");
        var id2label = (File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))?["id2label"] as JsonObject : null)
            ?? throw new InvalidDataException($"{path}: no id2label, so the data's labels cannot be matched to the logits");
        return new LabelSet([.. id2label.OrderBy(p => int.Parse(p.Key, CultureInfo.InvariantCulture)).Select(p => p.Value!.GetValue<string>())]);
    }

    private static ImageDataset SyntheticImages(PreprocessorConfig config)
    {
        var random = new Random(0);
        var (height, width) = (config.OutputHeight, config.OutputWidth);
        var pixels = new float[16 * 3 * height * width];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (random.NextSingle() * 2) - 1;
        }

        return new ImageDataset(pixels, new int[16], 3, height, width);
    }

    private static TextClassificationDataset SyntheticTexts(BertWordPieceTokenizer tokenizer)
    {
        var random = new Random(0);
        var frame = tokenizer.Encode("", 2, truncate: true).Ids;
        var ids = Enumerable.Range(0, 16)
            .Select(i => (int[])[frame[0], .. Enumerable.Range(0, 4 * (i + 1)).Select(_ => random.Next(tokenizer.VocabularySize)), frame[^1]]).ToArray();
        return TextClassificationDataset.FromIds(ids, new int[ids.Length]);
    }

    private sealed record ExampleFeed(IReadOnlyList<int> Labels, Func<int[], IReadOnlyDictionary<string, OrtValue>> Inputs);
}
