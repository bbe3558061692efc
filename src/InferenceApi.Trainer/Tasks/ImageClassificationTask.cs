using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceApi.Core.Backends;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Checkpoints;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Trainer.Tasks;

/// <summary>
/// <c>train image-classification</c>: a tiny ViT on a folder of class sub-folders of images (decoded and
/// preprocessed by the server's own code) or on the digits CSV (<c>label,p0..p63</c>).
/// </summary>
public sealed class ImageClassificationTask : TrainerTask<ImageClassifier, ImageDataset>
{
    private static readonly VitOptions Sizes = new();

    private readonly Option<string?> labels = new("--labels")
    {
        Description = "Label names in output order, comma-separated (default: the class folder names sorted, or 0-9 for the digits CSV)",
    };

    private readonly Option<int?> imageSize = new("--image-size") { Description = $"Images are resized to this square side (default {Sizes.ImageSize}; the digits CSV is 8)" };
    private readonly Option<int?> patchSize = new("--patch-size") { Description = $"ViT patch side; must divide the image size (default {Sizes.PatchSize})" };
    private readonly Option<bool> fitInk = new("--fit-ink")
    {
        Description = "After --normalize-ink (which it implies), the model fits the drawing's ink box to the frame (the square of its longer side, "
            + "centred), as the digits data set's scans were normalised, so small or off-centre drawings read alike (default off)",
    };

    private readonly Option<bool> normalizeInk = new("--normalize-ink")
    {
        Description = "The model turns every image into light ink on dark at full contrast first (polarity from the outer ring of pixels, "
            + "contrast from the darkest and brightest), in the ONNX graph too, so drawings in either polarity read alike (default off)",
    };
    private readonly Option<string?> extraTrain = new("--extra-train")
    {
        Description = "An image folder of class sub-folders added to the training examples only, after --validation-split carved the "
            + "hold-out from --data (so the hold-out stays the same examples); e.g. digits rendered from other fonts (default none)",
    };

    private readonly LearningRateScheduleOptions schedule = new();
    private readonly TransformerSizeOptions sizes = new(new(Sizes.HiddenSize, Sizes.Layers, Sizes.Heads, Sizes.IntermediateSize, 0), "Encoder", dropoutHelp: null);
    private readonly ImageAugmentationOptions augmentation = new();

    public override string Name => "image-classification";

    public override string Description => "Train a tiny ViT on a folder of class sub-folders of images, or on the digits CSV";

    public override TaskDefaults Defaults { get; } = new(Epochs: 30, BatchSize: 64, LearningRate: 3e-3, ValidationSplit: 0.2);

    public override MetricGoal Goal => MetricGoal.Accuracy;

    public override IReadOnlyList<Option> TrainOptions => [labels, imageSize, patchSize, normalizeInk, fitInk, extraTrain, .. schedule.All, .. sizes.All, .. augmentation.All];

    protected override TaskSetup<ImageClassifier, ImageDataset> Prepare(ParseResult parse, TrainingSettings settings, Checkpoint? initFrom, ITrainingConsole console)
    {
        if (initFrom is not null)
        {
            RejectWithInitFrom(parse, [imageSize, patchSize, normalizeInk, fitInk, .. sizes.All]);
        }

        using var start = initFrom is null ? null : Load(initFrom);
        var requested = parse.GetValue(labels) is { } names ? LabelSet.Parse(names) : null;
        var side = start?.Model.Options.ImageSize ?? OptionValues.Positive(parse, imageSize) ?? Sizes.ImageSize;
        var (all, labelSet, format) = ReadTraining(settings.DataPath, requested ?? start?.Labels, side);
        if (settings.MaxExamples is { } max && max < all.Count)
        {
            all = all.Subset(DataSplits.Sample(all.Count, max, settings.Seed));
        }

        var (train, validation) = settings.ValidationSplit > 0 ? all.StratifiedSplit(settings.ValidationSplit, settings.Seed) : (all, null);
        if (parse.GetValue(extraTrain) is { } extra)
        {
            var added = ImageFolder.Load(extra, labelSet, side) is var folder && train.Channels == 1 ? folder.Grey() : folder;
            console.Info($"--extra-train: {added.Count} images from {Path.GetFullPath(extra)} join {train.Count} training examples");
            train = train.Concat(added);
        }

        var eval = settings.EvalPath is { } evalPath ? Read(evalPath, labelSet, side) : null;
        var built = start is null ? NewModel(parse, side, labelSet) : Continue(start, labelSet, console);
        var planned = (int)Math.Min((long)settings.Epochs * Batches.PerEpoch(train.Count, settings.BatchSize), settings.MaxSteps ?? int.MaxValue);
        var model = new ImageClassifier(built.Model, built.Labels)
        {
            Augmentation = augmentation.Read(parse),
            Schedule = schedule.Read(parse, settings.LearningRate, planned),
        };
        return new TaskSetup<ImageClassifier, ImageDataset>(model, train, validation, eval,
            new DataSource(Path.GetFullPath(settings.DataPath), format, all.Count, labelSet.Names));
    }

    protected override IStepTrainer<ImageDataset> CreateTrainer(ImageClassifier model, TrainingSettings settings) =>
        new ImageClassificationTrainer(model.Model, settings.LearningRate, settings.WeightDecay, settings.LabelSmoothing,
            model.Augmentation.IsActive ? new ImageAugmenter(model.Augmentation, ImageNormalization.Mean, ImageNormalization.Std) : null,
            model.Schedule);

    protected override Evaluation Evaluate(ImageClassifier model, ImageDataset data, int batchSize) =>
        ImageClassificationTrainer.Evaluate(model.Model, data, Math.Max(batchSize, ClassificationEvaluation.DefaultBatchSize));

    protected override ModelProto? Graph(IReadOnlyList<ImageClassifier> models) => VitOnnxGraph.Build(models[0].Model);

    protected override Evaluation EvaluateOnnx(byte[] onnx, ImageClassifier model, ImageDataset data, int batchSize) =>
        OnnxClassification.Run(onnx, data.Labels, batchSize, indices => new Dictionary<string, OrtValue>
        {
            [OptimumLayout.PixelValues] = OrtValue.CreateTensorValueFromMemory(data.Subset(indices).ToRgb(indices.Length), [indices.Length, 3, data.Height, data.Width]),
        });

    protected override JsonNode Describe(ImageClassifier model) =>
        JsonSerializer.SerializeToNode(new ImageClassifierManifest(model.Model.Options, model.Labels.Names), Checkpoint.Json)!;

    protected override void WriteFiles(ImageClassifier model, string folder)
    {
        // Nothing besides model.bin: the preprocessing follows from the image size in trainer.json.
    }

    protected override ImageClassifier Load(Checkpoint checkpoint)
    {
        var manifest = checkpoint.ReadModel<ImageClassifierManifest>();
        if (manifest.Labels.Count != manifest.Architecture.Labels)
        {
            throw new InvalidDataException($"{checkpoint.Directory}: trainer.json names {manifest.Labels.Count} labels for {manifest.Architecture.Labels} outputs");
        }

        var model = new TinyVit(manifest.Architecture);
        checkpoint.LoadWeights(model);
        return new ImageClassifier(model, new LabelSet(manifest.Labels));
    }

    protected override ImageDataset ReadData(ImageClassifier model, ParseResult parse, string path) =>
        Read(path, model.Labels, model.Model.Options.ImageSize);

    protected override ExportReport Export(ImageClassifier model, string folder, ImageDataset? samples, ExportSettings settings)
    {
        var diff = VitOnnxExporter.Publish(model.Model, folder, samples ?? Synthetic(model.Model.Options), model.Labels.Names, settings.Tolerance, settings.Int8);
        return new ExportReport(Path.GetFullPath(folder), new Dictionary<string, double> { ["onnx_vs_torch"] = diff }, settings.Tolerance);
    }

    /// <summary>The training data and the labels it uses: requested or inherited ones, else the folder names (or 0-9).</summary>
    private static (ImageDataset Data, LabelSet Labels, string Format) ReadTraining(string path, LabelSet? labels, int side)
    {
        if (Directory.Exists(path))
        {
            labels ??= LabelSet.FromValues(ImageFolder.ClassNames(path));
            return (ImageFolder.Load(path, labels, side), labels, "image-folder");
        }

        labels = labels?.Count == DigitsCsv.LabelNames.Length ? labels
            : labels is null ? new LabelSet(DigitsCsv.LabelNames)
            : throw new UsageException($"the digits CSV has 10 classes (0-9); --labels names {labels.Count}");
        return (Read(path, labels, side), labels, "digits-csv");
    }

    /// <summary>A folder of class sub-folders, or a digits CSV (8×8 only).</summary>
    private static ImageDataset Read(string path, LabelSet labels, int side)
    {
        if (Directory.Exists(path))
        {
            return ImageFolder.Load(path, labels, side);
        }

        if (side != DigitsCsv.Side)
        {
            throw new UsageException($"{path}: the digits CSV holds {DigitsCsv.Side}×{DigitsCsv.Side} images; the model takes {side}×{side}");
        }

        return DigitsCsv.Load(path);
    }

    private ImageClassifier NewModel(ParseResult parse, int side, LabelSet labelSet)
    {
        var chosen = sizes.Read(parse);
        var options = new VitOptions
        {
            ImageSize = side,
            PatchSize = OptionValues.Positive(parse, patchSize) ?? Sizes.PatchSize,
            NormalizeInk = parse.GetValue(normalizeInk) || parse.GetValue(fitInk),
            FitInk = parse.GetValue(fitInk),
            HiddenSize = chosen.HiddenSize,
            Layers = chosen.Layers,
            Heads = chosen.Heads,
            IntermediateSize = chosen.IntermediateSize,
            Labels = labelSet.Count,
        };
        if (options.ImageSize % options.PatchSize != 0)
        {
            throw new UsageException($"--patch-size {options.PatchSize} must divide --image-size {options.ImageSize}");
        }

        return new ImageClassifier(new TinyVit(options), labelSet);
    }

    /// <summary>Fine-tunes the checkpoint's model; a different label set gets a fresh classifier head.</summary>
    private static ImageClassifier Continue(ImageClassifier start, LabelSet labelSet, ITrainingConsole console)
    {
        var model = new TinyVit(start.Model.Options with { Labels = labelSet.Count });
        var sameLabels = labelSet.Equals(start.Labels);
        var fresh = WeightTransfer.CopyMatching(start.Model, model, sameLabels ? [] : [model.Classifier.weight!, model.Classifier.bias!]);
        if (fresh.Count > 0)
        {
            console.Info($"labels {labelSet} differ from the checkpoint's ({start.Labels}); a fresh classifier head: {string.Join(", ", fresh)}");
        }

        return new ImageClassifier(model, labelSet);
    }

    /// <summary>Seeded random pixels in the normalised range, for an export with no data to sample.</summary>
    private static ImageDataset Synthetic(VitOptions options)
    {
        const int count = 8;
        var random = new Random(0);
        var pixels = new float[count * 3 * options.ImageSize * options.ImageSize];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (random.NextSingle() * 2) - 1;
        }

        return new ImageDataset(pixels, new int[count], 3, options.ImageSize, options.ImageSize);
    }
}
