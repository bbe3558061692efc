using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Tokenization;
using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Checkpoints;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Trainer.Tasks;

/// <summary>
/// <c>train text-classification</c>: a tiny BERT on labelled text from CSV, TSV or JSONL, tokenized by the
/// server's own WordPiece tokenizer with a given <c>vocab.txt</c> (copied into the checkpoint and the export).
/// </summary>
public sealed class TextClassificationTask : TrainerTask<TextClassifier, TextClassificationDataset>
{
    private const string VocabularyFileName = "vocab.txt";
    private const int ParitySamples = 16;

    private static readonly BertOptions Sizes = new() { VocabularySize = 0 };

    private readonly Option<string?> vocabulary = new("--vocab") { Description = "WordPiece vocab.txt (required unless --init-from gives one)" };
    private readonly Option<string?> labels = new("--labels")
    {
        Description = "Label names in output order, comma-separated; integer labels in the data index them (default: the labels in the data, sorted)",
    };

    private readonly Option<bool> cased = new("--cased") { Description = "Keep case (default: lower-case, as bert-base-uncased)" };
    private readonly Option<int?> maxLength = new("--max-length") { Description = $"Longest input in tokens, [CLS] and [SEP] included; longer texts are truncated (default {Sizes.MaxPositions})" };
    private readonly TransformerSizeOptions sizes = new(
        new(Sizes.HiddenSize, Sizes.Layers, Sizes.Heads, Sizes.IntermediateSize, Sizes.Dropout), "Encoder", "Dropout on embeddings and the pooled vector");

    private readonly Option<double?> blockDropout = new("--block-dropout")
    {
        Description = "Dropout inside each encoder block: on the attention weights and both residual branches, in [0, 1) (default 0)",
    };

    private readonly Option<int?> convolutionWidth = new("--conv-width")
    {
        Description = "Width in tokens of a convolution over the embeddings before the encoder (n-gram features); odd, 0 for none (default 0)",
    };

    private readonly Option<bool> pruneVocabulary = new("--prune-vocab")
    {
        Description = "Keep only the --vocab tokens the training data uses (plus special tokens and single characters); the smaller vocab.txt goes with the model",
    };

    private readonly Option<string?> pooling = new("--pooling") { Description = "What the head reads: cls (the [CLS] position) or mean (the mean of the real tokens) (default cls)" };

    private readonly Option<int?> mlmSteps = new("--mlm-steps")
    {
        Description = "Masked-language-model pre-training steps on the training texts (no labels) before fine-tuning (default 0: none)",
    };

    private readonly Option<string?> format = new("--format") { Description = "csv, tsv or jsonl (default: from the file extension)" };
    private readonly Option<string?> textColumn = new("--text-column") { Description = $"Column (or JSON field) holding the text (default '{TextColumns.DefaultText}', or the checkpoint's)" };
    private readonly Option<string?> labelColumn = new("--label-column") { Description = $"Column (or JSON field) holding the label (default '{TextColumns.DefaultLabel}', or the checkpoint's)" };

    public TextClassificationTask()
    {
        format.AcceptOnlyFromAmong(TextDataFormats.Names);
        pooling.AcceptOnlyFromAmong("cls", "mean");
    }

    public override string Name => "text-classification";

    public override string Description => "Train a tiny BERT classifier on labelled text (CSV, TSV or JSONL) with a WordPiece vocabulary";

    public override TaskDefaults Defaults { get; } = new(Epochs: 3, BatchSize: 64, LearningRate: 1e-3, ValidationSplit: 0.1);

    public override MetricGoal Goal => MetricGoal.Accuracy;

    public override IReadOnlyList<Option> TrainOptions => [vocabulary, pruneVocabulary, labels, cased, maxLength, .. sizes.All, blockDropout, convolutionWidth, pooling, mlmSteps];

    public override IReadOnlyList<Option> DataOptions => [format, textColumn, labelColumn];

    protected override TaskSetup<TextClassifier, TextClassificationDataset> Prepare(ParseResult parse, TrainingSettings settings, Checkpoint? initFrom, ITrainingConsole console)
    {
        if (initFrom is not null)
        {
            RejectWithInitFrom(parse, [vocabulary, pruneVocabulary, cased, maxLength, .. sizes.All, blockDropout, convolutionWidth, pooling, mlmSteps]);
        }

        using var start = initFrom is null ? null : Load(initFrom);
        var columns = Columns(parse, start?.Columns);
        var rows = Read(parse, settings.DataPath, columns);
        if (settings.MaxExamples is { } max && max < rows.Count)
        {
            rows = [.. DataSplits.Sample(rows.Count, max, settings.Seed).Select(i => rows[i])];
        }

        var labelSet = Value(parse, labels) is { } names ? LabelSet.Parse(names) : start?.Labels ?? LabelsIn(rows, settings.DataPath);
        var (tokenizer, vocabularyPath) = start is null ? NewTokenizer(parse) : (start.Tokenizer, start.VocabularyPath);
        var length = start?.Model.Options.MaxPositions ?? OptionValues.Positive(parse, maxLength) ?? Sizes.MaxPositions;
        var all = TokenizeTraining(rows, labelSet, tokenizer, length, settings.DataPath, inherited: start is not null && Value(parse, labels) is null);
        var temporaryVocabulary = start is null && parse.GetValue(pruneVocabulary);
        if (temporaryVocabulary)
        {
            (tokenizer, vocabularyPath) = Pruned(tokenizer, all, console);
            all = TextClassificationDataset.Tokenize(rows, labelSet, tokenizer, length, settings.DataPath);
        }

        var (train, validation) = settings.ValidationSplit > 0 ? all.StratifiedSplit(settings.ValidationSplit, settings.Seed) : (all, null);
        TextClassificationDataset? eval;
        TextClassifier model;
        try
        {
            eval = settings.EvalPath is { } evalPath
                ? TextClassificationDataset.Tokenize(Read(parse, evalPath, columns), labelSet, tokenizer, length, evalPath)
                : null;
            model = start is null
                ? new TextClassifier(new TinyBert(NewOptions(parse, tokenizer, length, labelSet)), tokenizer, vocabularyPath, labelSet, columns, temporaryVocabulary)
                : Continue(start, labelSet, columns, console);
        }
        catch when (temporaryVocabulary)
        {
            // Until the model owns the pruned vocab.txt, nobody else deletes it.
            File.Delete(vocabularyPath);
            throw;
        }
        if (OptionValues.Positive(parse, mlmSteps) is { } steps)
        {
            Pretrain(model, train, steps, settings.Seed, console);
        }

        var formatName = TextDataFormats.Name(TextDataFormats.Resolve(settings.DataPath, Value(parse, format)));
        return new TaskSetup<TextClassifier, TextClassificationDataset>(model, train, validation, eval,
            new DataSource(Path.GetFullPath(settings.DataPath), formatName, all.Count, labelSet.Names));
    }

    protected override IStepTrainer<TextClassificationDataset> CreateTrainer(TextClassifier model, TrainingSettings settings) =>
        new TextClassificationTrainer(model.Model, model.Tokenizer.PadTokenId, settings.LearningRate, settings.WeightDecay, settings.LabelSmoothing);

    protected override Evaluation Evaluate(TextClassifier model, TextClassificationDataset data, int batchSize) =>
        TextClassificationTrainer.Evaluate(model.Model, data, model.Tokenizer.PadTokenId, Math.Max(batchSize, ClassificationEvaluation.DefaultBatchSize));

    protected override Evaluation EvaluateEnsemble(IReadOnlyList<TextClassifier> members, TextClassificationDataset data, int batchSize) =>
        TextClassificationTrainer.Evaluate(Ensemble(members), data, members[0].Tokenizer.PadTokenId, Math.Max(batchSize, ClassificationEvaluation.DefaultBatchSize));

    protected override ModelProto? Graph(IReadOnlyList<TextClassifier> models) =>
        models.Count == 1 ? BertOnnxGraph.Build(models[0].Model) : BertOnnxGraph.BuildEnsemble(Ensemble(models));

    protected override Evaluation EvaluateOnnx(byte[] onnx, TextClassifier model, TextClassificationDataset data, int batchSize) =>
        OnnxClassification.Run(onnx, data.Labels, batchSize, indices =>
        {
            var (ids, mask, shape) = TextClassificationDataset.Pad([.. indices.Select(i => data.Ids[i])], model.Tokenizer.PadTokenId);
            return new Dictionary<string, OrtValue>
            {
                [OptimumLayout.InputIds] = OrtValue.CreateTensorValueFromMemory(ids, shape),
                [OptimumLayout.AttentionMask] = OrtValue.CreateTensorValueFromMemory(mask, shape),
            };
        });

    protected override ExportReport ExportEnsemble(IReadOnlyList<TextClassifier> members, string folder, TextClassificationDataset? samples, ExportSettings settings)
    {
        var first = members[0];
        return Report(folder, settings.Tolerance, BertOnnxExporter.PublishEnsemble(Ensemble(members), folder, first.VocabularyPath, ParitySequences(first, samples),
            first.Tokenizer.PadTokenId, first.Labels.Names, first.Tokenizer.Options.DoLowerCase, settings.Tolerance, settings.Int8));
    }

    protected override JsonNode Describe(TextClassifier model) =>
        JsonSerializer.SerializeToNode(
            new TextClassifierManifest(model.Model.Options, model.Labels.Names, new WordPieceManifest(VocabularyFileName, model.Tokenizer.Options.DoLowerCase), model.Columns),
            Checkpoint.Json)!;

    protected override void WriteFiles(TextClassifier model, string folder) =>
        File.Copy(model.VocabularyPath, Path.Combine(folder, VocabularyFileName));

    protected override TextClassifier Load(Checkpoint checkpoint)
    {
        var manifest = checkpoint.ReadModel<TextClassifierManifest>();
        var architecture = manifest.Architecture;
        if (manifest.Labels.Count != architecture.Labels)
        {
            throw new InvalidDataException($"{checkpoint.Directory}: trainer.json names {manifest.Labels.Count} labels for {architecture.Labels} outputs");
        }

        var vocabularyPath = checkpoint.File(manifest.Tokenizer.Vocabulary);
        var tokenizer = BertWordPieceTokenizer.Create(vocabularyPath,
            new BertTokenizerOptions { DoLowerCase = manifest.Tokenizer.DoLowerCase, ModelMaxLength = architecture.MaxPositions });
        if (tokenizer.VocabularySize != architecture.VocabularySize)
        {
            throw new InvalidDataException($"{vocabularyPath}: {tokenizer.VocabularySize} tokens, but the model was trained on {architecture.VocabularySize}");
        }

        var model = new TinyBert(architecture);
        checkpoint.LoadWeights(model);
        return new TextClassifier(model, tokenizer, vocabularyPath, new LabelSet(manifest.Labels), manifest.Columns);
    }

    protected override TextClassificationDataset ReadData(TextClassifier model, ParseResult parse, string path) =>
        TextClassificationDataset.Tokenize(Read(parse, path, Columns(parse, model.Columns)), model.Labels, model.Tokenizer, model.Model.Options.MaxPositions, path);

    protected override ExportReport Export(TextClassifier model, string folder, TextClassificationDataset? samples, ExportSettings settings) =>
        Report(folder, settings.Tolerance, BertOnnxExporter.Publish(model.Model, folder, model.VocabularyPath, ParitySequences(model, samples), model.Tokenizer.PadTokenId,
            model.Labels.Names, model.Tokenizer.Options.DoLowerCase, settings.Tolerance, settings.Int8));

    protected override ExportReport ExportEncoder(TextClassifier model, string folder, TextClassificationDataset? samples, ExportSettings settings) =>
        Report(folder, settings.Tolerance, BertOnnxExporter.PublishEncoder(model.Model, folder, model.VocabularyPath, ParitySequences(model, samples), model.Tokenizer.PadTokenId,
            model.Tokenizer.Options.DoLowerCase, settings.Tolerance, settings.Int8));

    private static ExportReport Report(string folder, double tolerance, BertParity parity) =>
        new(Path.GetFullPath(folder), new Dictionary<string, double>
        {
            ["onnx_vs_torch"] = parity.OnnxVsTorch,
            ["padded_vs_unpadded"] = parity.PaddedVsUnpadded,
        }, tolerance);

    /// <summary>
    /// The members averaged, once they are checked to read text identically (same vocab.txt, casing and maximum
    /// length) and name the same labels in the same order: one tokenizer and one label list serve them all. The
    /// ensemble is not disposed: it owns no weights of its own, and each member is disposed by its loader.
    /// </summary>
    private static TinyBertEnsemble Ensemble(IReadOnlyList<TextClassifier> members)
    {
        var first = members[0];
        var vocabulary = File.ReadAllBytes(first.VocabularyPath);
        foreach (var member in members.Skip(1))
        {
            var differs = !File.ReadAllBytes(member.VocabularyPath).AsSpan().SequenceEqual(vocabulary) ? $"its vocabulary {member.VocabularyPath} is not {first.VocabularyPath}"
                : member.Tokenizer.Options.DoLowerCase != first.Tokenizer.Options.DoLowerCase ? "it was trained with different casing"
                : member.Model.Options.MaxPositions != first.Model.Options.MaxPositions ? $"its maximum length is {member.Model.Options.MaxPositions} tokens, not {first.Model.Options.MaxPositions}"
                : !member.Labels.Names.SequenceEqual(first.Labels.Names) ? $"its labels {member.Labels} are not {first.Labels}"
                : null;
            if (differs is not null)
            {
                throw new UsageException($"ensemble members must read text and name labels alike: {Path.GetDirectoryName(member.VocabularyPath)} differs from the first checkpoint ({differs})");
            }
        }

        return new TinyBertEnsemble([.. members.Select(m => m.Model)]);
    }

    /// <summary>Sequences of different lengths, so the parity batch really is padded.</summary>
    private static int[][] ParitySequences(TextClassifier model, TextClassificationDataset? samples) => samples is null
        ? Synthetic(model)
        : samples.Ids.DistinctBy(ids => ids.Length).OrderBy(ids => ids.Length).Take(ParitySamples).ToArray();

    private IReadOnlyList<LabelledText> Read(ParseResult parse, string path, TextColumns columns) =>
        LabelledTextReader.Read(path, TextDataFormats.Resolve(path, Value(parse, format)), columns);

    private TextColumns Columns(ParseResult parse, TextColumns? inherited) => new(
        Value(parse, textColumn) ?? inherited?.Text ?? TextColumns.DefaultText,
        Value(parse, labelColumn) ?? inherited?.Label ?? TextColumns.DefaultLabel);

    /// <summary>A data option's value, read by name: <c>eval</c> and <c>export</c> carry copies of these options, not these instances.</summary>
    private static string? Value(ParseResult parse, Option<string?> option) => parse.GetValue<string?>(option.Name);

    /// <summary>Tokenizes; an unknown label under the checkpoint's inherited labels says how to fine-tune onto new ones.</summary>
    private static TextClassificationDataset TokenizeTraining(
        IReadOnlyList<LabelledText> rows, LabelSet labelSet, BertWordPieceTokenizer tokenizer, int length, string path, bool inherited)
    {
        try
        {
            return TextClassificationDataset.Tokenize(rows, labelSet, tokenizer, length, path);
        }
        catch (InvalidDataException e) when (inherited)
        {
            throw new InvalidDataException($"{e.Message} (the --init-from checkpoint's labels; pass --labels to fine-tune onto new ones)", e);
        }
    }

    private static LabelSet LabelsIn(IReadOnlyList<LabelledText> rows, string path)
    {
        try
        {
            return LabelSet.FromValues(rows.Select(r => r.Label));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private (BertWordPieceTokenizer Tokenizer, string Path) NewTokenizer(ParseResult parse)
    {
        var path = parse.GetValue(vocabulary) ?? throw new UsageException("--vocab is required to train a new text classifier (a WordPiece vocab.txt)");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"vocabulary not found: {path}", path);
        }

        var length = OptionValues.Positive(parse, maxLength) ?? Sizes.MaxPositions;
        var tokenizer = BertWordPieceTokenizer.Create(path, new BertTokenizerOptions { DoLowerCase = !parse.GetValue(cased), ModelMaxLength = length });
        return (tokenizer, Path.GetFullPath(path));
    }

    /// <summary>The tokenizer over <see cref="WordPieceVocabularyPruner"/>'s vocabulary, written to a temporary vocab.txt the model deletes when disposed.</summary>
    private static (BertWordPieceTokenizer Tokenizer, string Path) Pruned(BertWordPieceTokenizer tokenizer, TextClassificationDataset data, ITrainingConsole console)
    {
        var kept = WordPieceVocabularyPruner.Prune(tokenizer.Tokens, data.Ids);
        var path = Path.Combine(Path.GetTempPath(), $"inferenceapi-vocab-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, kept);
        try
        {
            console.Info($"vocabulary pruned to {kept.Count} of {tokenizer.VocabularySize} tokens: those the training data uses, the special tokens and single characters");
            return (BertWordPieceTokenizer.Create(path, tokenizer.Options), path);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private BertOptions NewOptions(ParseResult parse, BertWordPieceTokenizer tokenizer, int length, LabelSet labelSet)
    {
        var chosen = sizes.Read(parse);
        return new BertOptions
        {
            VocabularySize = tokenizer.VocabularySize,
            MaxPositions = length,
            HiddenSize = chosen.HiddenSize,
            Layers = chosen.Layers,
            Heads = chosen.Heads,
            IntermediateSize = chosen.IntermediateSize,
            Dropout = chosen.Dropout,
            BlockDropout = parse.GetValue(blockDropout) is { } rate
                ? rate is >= 0 and < 1 ? rate : throw new UsageException($"--block-dropout must be in [0, 1); got {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
                : 0,
            ConvolutionWidth = parse.GetValue(convolutionWidth) is { } width
                ? width >= 0 && width % 2 == 1 || width == 0 ? width : throw new UsageException($"--conv-width must be odd (or 0 for none); got {width}")
                : 0,
            Labels = labelSet.Count,
            Pooling = parse.GetValue(pooling) is { } name ? Enum.Parse<BertPooling>(name, ignoreCase: true) : BertPooling.Cls,
        };
    }

    /// <summary>Fine-tunes the checkpoint's model; a different label set gets a fresh classifier head.</summary>
    private static TextClassifier Continue(TextClassifier start, LabelSet labelSet, TextColumns columns, ITrainingConsole console)
    {
        var model = new TinyBert(start.Model.Options with { Labels = labelSet.Count });
        var sameLabels = labelSet.Equals(start.Labels);
        var fresh = WeightTransfer.CopyMatching(start.Model, model, sameLabels ? [] : [model.Classifier.weight!, model.Classifier.bias!]);
        if (fresh.Count > 0)
        {
            console.Info($"labels {labelSet} differ from the checkpoint's ({start.Labels}); a fresh classifier head: {string.Join(", ", fresh)}");
        }

        return new TextClassifier(model, start.Tokenizer, start.VocabularyPath, labelSet, columns);
    }

    /// <summary>
    /// Self-pre-training: masked-language modelling on the training split's own distinct texts (never the
    /// validation split or --eval), so the encoder learns the words before the head learns the labels.
    /// </summary>
    private static void Pretrain(TextClassifier model, TextClassificationDataset train, int steps, int seed, ITrainingConsole console)
    {
        var tokenizer = model.Tokenizer;
        var masking = new MaskingVocabulary(tokenizer.MaskTokenId, tokenizer.PadTokenId,
            new HashSet<int> { tokenizer.PadTokenId, tokenizer.ClsTokenId, tokenizer.SepTokenId }, tokenizer.VocabularySize);
        var sentences = train.Ids.DistinctBy(ids => string.Join(',', ids)).ToArray();
        using var pretrainer = new MaskedLanguageModelTrainer(model.Model, masking, steps);
        var random = new Random(seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double recent = 0;
        var recentSteps = 0;
        var every = Math.Clamp(steps / 5, 1, 500);
        while (pretrainer.StepsTaken < steps)
        {
            recent += pretrainer.Step(sentences, random);
            recentSteps++;
            if (pretrainer.StepsTaken % every == 0 || pretrainer.StepsTaken == steps)
            {
                console.Info(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"mlm step {pretrainer.StepsTaken}/{steps}  loss {recent / recentSteps:F4}  ({sentences.Length} distinct texts)  {clock.Elapsed.TotalSeconds:F0}s"));
                (recent, recentSteps) = (0, 0);
            }
        }
    }

    /// <summary>Seeded random token ids between [CLS] and [SEP], of 16 different lengths, for an export with no data to sample.</summary>
    private static int[][] Synthetic(TextClassifier model)
    {
        var frame = model.Tokenizer.Encode("", 2, truncate: true).Ids;
        var longest = model.Model.Options.MaxPositions;
        var random = new Random(0);
        return [.. Enumerable.Range(0, ParitySamples)
            .Select(i => 2 + (i * (longest - 2) / (ParitySamples - 1)))
            .Distinct()
            .Select(length => (int[])[frame[0], .. Enumerable.Range(0, length - 2).Select(_ => random.Next(model.Tokenizer.VocabularySize)), frame[^1]])];
    }
}
