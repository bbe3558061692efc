using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceApi.Core.Tokenization;
using InferenceApi.Trainer.Checkpoints;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;

namespace InferenceApi.Trainer.Tasks;

/// <summary>
/// <c>train text-generation</c>: a tiny GPT or Llama-style decoder (<c>--architecture</c>) on plain-text files (a file or a folder of <c>.txt</c>), with a
/// byte-level BPE learned from the training text (<c>--vocab-size</c>) or given (<c>--tokenizer</c>, e.g. GPT-2's);
/// perplexity on the validation split and on <c>--eval</c>; the export is a decoder with past.
/// </summary>
public sealed class TextGenerationTask : TrainerTask<TextGenerator, TokenWindows>
{
    private static readonly GptOptions Sizes = new() { VocabularySize = 0 };
    private const string Gpt = "gpt";
    private const string Llama = "llama";
    private static readonly string[] TokenizerFiles = [Gpt2TokenizerLoader.VocabularyFileName, Gpt2TokenizerLoader.MergesFileName];

    private readonly Option<int?> vocabularySize = new("--vocab-size") { Description = "Learn a byte-level BPE of this many tokens from the training text (default 4096)" };
    private readonly Option<string?> tokenizer = new("--tokenizer") { Description = "A folder with vocab.json and merges.txt to use instead of learning one (e.g. GPT-2's)" };
    private readonly Option<int?> maxLength = new("--max-length") { Description = $"Context length in tokens: training windows and the served prompt + generation limit (default {Sizes.MaxPositions})" };
    private readonly Option<string?> architecture = new("--architecture") { Description = "gpt (GPT-2: learned positions, LayerNorm, GELU MLP) or llama (rotary positions, RMSNorm, grouped-query attention, SwiGLU) (default gpt)" };
    private readonly Option<int?> keyValueHeads = new("--kv-heads") { Description = "llama only: key/value heads, dividing --heads (grouped-query attention; default half the heads)" };
    private readonly TransformerSizeOptions sizes = new(
        new(Sizes.HiddenSize, Sizes.Layers, Sizes.Heads, Sizes.IntermediateSize, Sizes.Dropout), "Decoder", "Dropout on embeddings, attention and residual branches");

    public TextGenerationTask()
    {
        architecture.AcceptOnlyFromAmong(Gpt, Llama);
    }

    public override string Name => "text-generation";

    public override string Description => "Train a tiny GPT or Llama-style decoder on plain text (a .txt file or a folder of them); exported as an ONNX decoder with past";

    public override TaskDefaults Defaults { get; } = new(Epochs: 5, BatchSize: 16, LearningRate: 1e-3, ValidationSplit: 0.05);

    public override MetricGoal Goal { get; } = new("perplexity", HigherIsBetter: false);

    public override IReadOnlyList<Option> TrainOptions => [vocabularySize, tokenizer, maxLength, architecture, keyValueHeads, .. sizes.All];

    protected override TaskSetup<TextGenerator, TokenWindows> Prepare(ParseResult parse, TrainingSettings settings, Checkpoint? initFrom, ITrainingConsole console)
    {
        if (initFrom is not null)
        {
            RejectWithInitFrom(parse, [vocabularySize, tokenizer, maxLength, architecture, keyValueHeads, .. sizes.All]);
        }

        var files = TrainingFiles(settings.DataPath, settings.EvalPath, console);
        var documents = TextCorpus.ReadDocuments(files);
        if (settings.LabelSmoothing > 0)
        {
            throw new UsageException("--label-smoothing applies to the classifiers; text generation reports perplexity of the true next token");
        }

        if (settings.MaxExamples is not null)
        {
            throw new UsageException("--max-examples does not apply to text generation; use --max-steps or a shorter text");
        }

        var model = initFrom is not null ? Load(initFrom) : Create(parse, documents);
        try
        {
            var context = model.Model.MaxPositions;
            var all = TokenWindows.Cut(TextCorpus.Tokenize(documents, model.Tokenizer), context + 1, settings.DataPath);
            var (train, validation) = settings.ValidationSplit > 0 ? all.Split(settings.ValidationSplit, settings.Seed) : (all, null);
            var eval = settings.EvalPath is { } evalPath ? ReadData(model, parse, evalPath) : null;
            var perEpoch = (train.Count + settings.BatchSize - 1) / settings.BatchSize;
            model.PlannedSteps = (int)Math.Min((long)settings.Epochs * perEpoch, settings.MaxSteps ?? int.MaxValue);
            console.Info(string.Create(CultureInfo.InvariantCulture,
                $"model: {(model.Model is TinyLlama ? Llama : Gpt)}, {model.Model.ParameterCount():N0} parameters; " +
                $"tokenizer: {model.Tokenizer.VocabularySize} tokens; {files.Count} training files, {all.TokenCount:N0} tokens in {all.Count:N0} windows of {context + 1}" +
                $"{(eval is null ? "" : $"; eval {eval.TokenCount:N0} tokens")}; {model.PlannedSteps} steps planned"));
            return new TaskSetup<TextGenerator, TokenWindows>(model, train, validation, eval,
                new DataSource(Path.GetFullPath(settings.DataPath), "text", all.Count));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    protected override IStepTrainer<TokenWindows> CreateTrainer(TextGenerator model, TrainingSettings settings) =>
        new TextGenerationTrainer(model.Model, model.PlannedSteps, settings.LearningRate, settings.WeightDecay);

    protected override Evaluation Evaluate(TextGenerator model, TokenWindows data, int batchSize)
    {
        var loss = TextGenerationTrainer.MeanLoss(model.Model, data);
        return new Evaluation(data.Count, loss, new Dictionary<string, double> { ["perplexity"] = Math.Exp(loss) });
    }

    protected override JsonNode Describe(TextGenerator model)
    {
        var files = new Gpt2Manifest(TokenizerFiles[0], TokenizerFiles[1]);
        var manifest = model.Model switch
        {
            TinyLlama llama => new TextGeneratorManifest(null, files) { Llama = llama.Options },
            TinyGpt gpt => new TextGeneratorManifest(gpt.Options, files),
            var other => throw new NotSupportedException(other.GetType().Name),
        };
        return JsonSerializer.SerializeToNode(manifest, Checkpoint.Json)!;
    }

    protected override void WriteFiles(TextGenerator model, string folder)
    {
        foreach (var file in TokenizerFiles)
        {
            File.Copy(Path.Combine(model.TokenizerDirectory, file), Path.Combine(folder, file));
        }
    }

    protected override TextGenerator Load(Checkpoint checkpoint)
    {
        var manifest = checkpoint.ReadModel<TextGeneratorManifest>();
        var vocabularyPath = checkpoint.File(manifest.Tokenizer.Vocabulary);
        CausalDecoder model = manifest switch
        {
            { Llama: { } llama } => new TinyLlama(llama),
            { Architecture: { } gpt } => new TinyGpt(gpt),
            _ => throw new InvalidDataException($"{checkpoint.Directory}: {Checkpoint.ManifestFileName} describes no architecture"),
        };
        try
        {
            var tokens = Gpt2Tokenizer.Create(vocabularyPath, checkpoint.File(manifest.Tokenizer.Merges),
                new Gpt2TokenizerOptions { ModelMaxLength = model.MaxPositions });
            if (tokens.VocabularySize != model.VocabularySize)
            {
                throw new InvalidDataException($"{vocabularyPath}: {tokens.VocabularySize} tokens, but the model was trained on {model.VocabularySize}");
            }

            checkpoint.LoadWeights(model);
            return new TextGenerator(model, tokens, checkpoint.Directory, ownsTokenizerDirectory: false);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    protected override TokenWindows ReadData(TextGenerator model, ParseResult parse, string path)
    {
        var files = Directory.Exists(path) ? TextFiles(path) : [path];
        var tokens = TextCorpus.Tokenize(TextCorpus.ReadDocuments(files), model.Tokenizer);
        return TokenWindows.Cut(tokens, model.Model.MaxPositions + 1, path);
    }

    protected override ExportReport Export(TextGenerator model, string folder, TokenWindows? samples, ExportSettings settings) =>
        Publish(model, folder, samples, settings, DecoderGraphLayout.Default);

    protected override ExportReport ExportFloat16(TextGenerator model, string folder, TokenWindows? samples, ExportSettings settings) =>
        model.Model is TinyLlama
            ? Publish(model, folder, samples, settings, new DecoderGraphLayout(DecoderPrecision.Float16))
            : throw new UsageException($"{ITrainerTask.Float16Option} exports a Llama-style decoder (trained with --architecture llama); this checkpoint is a GPT, exported in float32");

    /// <summary>The decoder parity check on three prompts of different lengths (from the data, else fixed text), then the folder.</summary>
    private static ExportReport Publish(TextGenerator model, string folder, TokenWindows? samples, ExportSettings settings, DecoderGraphLayout layout)
    {
        var longest = Math.Min(32, model.Model.MaxPositions - DecoderParityCheck.Steps);
        int[][] prompts = samples is null
            ? [.. new[] { "It is a truth universally acknowledged, that a single man in possession", "My dear", "She" }
                .Select(text => model.Tokenizer.Encode(text, longest, truncate: true).Ids)]
            : [.. new[] { longest, Math.Max(longest / 3, 2), 1 }.Select((length, i) => samples.Prefix(i % samples.Count, length))];
        var parity = model.Model switch
        {
            TinyLlama llama => LlamaOnnxExporter.Publish(llama, folder, model.TokenizerDirectory, prompts, model.EndOfTextId, settings.Tolerance, layout, settings.Int8),
            TinyGpt gpt => GptOnnxExporter.Publish(gpt, folder, model.TokenizerDirectory, prompts, model.EndOfTextId, settings.Tolerance, settings.Int8),
            var other => throw new NotSupportedException(other.GetType().Name),
        };
        return new ExportReport(Path.GetFullPath(folder), new Dictionary<string, double>
        {
            ["onnx_vs_torch"] = parity.OnnxVsTorch,
            ["padded_vs_alone"] = parity.PaddedVsAlone,
        }, settings.Tolerance);
    }

    /// <summary>The <c>.txt</c> files of <paramref name="data"/> (a file or a folder), without the <c>--eval</c> file if it lies among them.</summary>
    private static List<string> TrainingFiles(string data, string? eval, ITrainingConsole console)
    {
        if (!Directory.Exists(data))
        {
            return File.Exists(data) ? [data] : throw new FileNotFoundException($"text file or folder not found: {data}", data);
        }

        var files = TextFiles(data);
        if (eval is not null && files.RemoveAll(f => Path.GetFullPath(f) == Path.GetFullPath(eval)) > 0)
        {
            console.Info($"held out {Path.GetFileName(eval)} (the --eval file) from the training folder");
        }

        return files.Count > 0 ? files : throw new InvalidDataException($"{data}: no .txt files to train on");
    }

    private static List<string> TextFiles(string folder) => [.. Directory.GetFiles(folder, "*.txt").Order(StringComparer.Ordinal)];

    private TextGenerator Create(ParseResult parse, IReadOnlyList<string> documents)
    {
        var context = OptionValues.Positive(parse, maxLength) ?? Sizes.MaxPositions;
        var given = parse.GetValue(tokenizer);
        if (given is not null && parse.GetValue(vocabularySize) is not null)
        {
            throw new UsageException("--tokenizer and --vocab-size exclude each other: either use a tokenizer or learn one");
        }

        var directory = given ?? Path.Combine(Path.GetTempPath(), $"inferenceapi-bpe-{Guid.NewGuid():N}");
        try
        {
            if (given is null)
            {
                var size = OptionValues.Positive(parse, vocabularySize) ?? 4096;
                if (size <= 257)
                {
                    throw new UsageException($"--vocab-size must be above 257 (256 bytes and <|endoftext|>); got {size}");
                }

                ByteLevelBpeTrainer.Train(documents, size, [Gpt2TokenizerOptions.EndOfText]).Write(directory);
            }

            var tokens = Gpt2Tokenizer.Create(
                Path.Combine(directory, TokenizerFiles[0]), Path.Combine(directory, TokenizerFiles[1]), new Gpt2TokenizerOptions { ModelMaxLength = context });
            return new TextGenerator(NewDecoder(parse, tokens.VocabularySize, context), tokens, directory, ownsTokenizerDirectory: given is null);
        }
        catch (Exception) when (given is null && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
        catch (TokenizerLoadException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    private CausalDecoder NewDecoder(ParseResult parse, int vocabulary, int context)
    {
        var chosen = sizes.Read(parse);
        var kvHeads = OptionValues.Positive(parse, keyValueHeads);
        if ((parse.GetValue(architecture) ?? Gpt) == Gpt)
        {
            return kvHeads is null
                ? new TinyGpt(new GptOptions
                {
                    VocabularySize = vocabulary,
                    MaxPositions = context,
                    HiddenSize = chosen.HiddenSize,
                    Layers = chosen.Layers,
                    Heads = chosen.Heads,
                    IntermediateSize = chosen.IntermediateSize,
                    Dropout = chosen.Dropout,
                })
                : throw new UsageException("--kv-heads applies to --architecture llama; a GPT has as many key/value heads as query heads");
        }

        var groups = kvHeads ?? (chosen.Heads % 2 == 0 ? chosen.Heads / 2 : chosen.Heads);
        if (chosen.Heads % groups != 0)
        {
            throw new UsageException($"--kv-heads {groups} must divide --heads {chosen.Heads}");
        }

        if (chosen.HiddenSize / chosen.Heads % 2 != 0)
        {
            throw new UsageException($"rotary embeddings need an even head size; --hidden {chosen.HiddenSize} / --heads {chosen.Heads} is {chosen.HiddenSize / chosen.Heads}");
        }

        return new TinyLlama(new LlamaOptions
        {
            VocabularySize = vocabulary,
            MaxPositions = context,
            HiddenSize = chosen.HiddenSize,
            Layers = chosen.Layers,
            Heads = chosen.Heads,
            KeyValueHeads = groups,
            IntermediateSize = chosen.IntermediateSize,
            Dropout = chosen.Dropout,
        });
    }
}
