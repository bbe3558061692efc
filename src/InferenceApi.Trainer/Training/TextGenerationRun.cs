using System.Diagnostics;
using System.Globalization;
using InferenceApi.Core.Tokenization;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>What <c>train text-generation</c> is asked to do.</summary>
public sealed record TextGenerationSettings
{
    public required IReadOnlyList<string> TrainFiles { get; init; }

    /// <summary>Held-out text for perplexity; never trained on.</summary>
    public string? EvalFile { get; init; }

    /// <summary>The byte-level BPE learned from the training text (tokens in all, end-of-text included).</summary>
    public int VocabularySize { get; init; } = 4096;

    public GptOptions Sizes { get; init; } = new() { VocabularySize = 0 };

    public int MaxSteps { get; init; } = 2000;

    public TimeSpan? TimeLimit { get; init; }

    public int Seed { get; init; } = 42;

    public int BatchSize { get; init; } = 16;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Evaluate (and report) every this many steps.</summary>
    public int EvalEvery { get; init; } = 250;

    /// <summary>The checkpoint folder: model.bin and the tokenizer files.</summary>
    public required string Out { get; init; }

    public string? Export { get; init; }
}

/// <summary>The figures of a text-generation run.</summary>
public sealed record TextGenerationResult(int Steps, double TrainLoss, double? EvalLoss, int TrainTokens, int EvalTokens, TimeSpan Elapsed, GptParity? Parity)
{
    public double? EvalPerplexity => EvalLoss is { } loss ? Math.Exp(loss) : null;
}

/// <summary>
/// <c>train text-generation</c> end to end: learn a byte-level BPE from the training text, tokenize with the
/// server's own tokenizer, train a <see cref="TinyGpt"/> for a step budget (or a time limit), report held-out
/// perplexity, save a checkpoint, and optionally export the decoder with past after its parity check.
/// </summary>
public static class TextGenerationRun
{
    public static TextGenerationResult Run(TextGenerationSettings settings, TextWriter log)
    {
        if (settings.Export is not null)
        {
            ModelFolderPublisher.Target(settings.Export);
        }

        manual_seed(settings.Seed);
        var clock = Stopwatch.StartNew();
        var documents = TextCorpus.ReadDocuments(settings.TrainFiles);
        var evalDocuments = settings.EvalFile is null ? null : TextCorpus.ReadDocuments([settings.EvalFile]);
        Directory.CreateDirectory(settings.Out);
        var bpe = ByteLevelBpeTrainer.Train(documents, settings.VocabularySize, [Gpt2TokenizerOptions.EndOfText]);
        bpe.Write(settings.Out);
        var tokenizer = Gpt2Tokenizer.Create(
            Path.Combine(settings.Out, Gpt2TokenizerLoader.VocabularyFileName),
            Path.Combine(settings.Out, Gpt2TokenizerLoader.MergesFileName),
            new Gpt2TokenizerOptions { ModelMaxLength = settings.Sizes.MaxPositions });
        var train = TextCorpus.Tokenize(documents, settings.TrainFiles, tokenizer);
        var eval = evalDocuments is null ? null : TextCorpus.Tokenize(evalDocuments, [settings.EvalFile!], tokenizer);
        var evalTokens = eval is null ? "" : Line($", eval {eval.Count:N0} tokens");
        log.WriteLine(Line($"tokenizer: {bpe.Tokens.Count} tokens ({bpe.Merges.Count} merges); train {train.Count:N0} tokens from {settings.TrainFiles.Count} files{evalTokens}  {clock.Elapsed.TotalSeconds:F1}s"));
        if (train.Count <= settings.Sizes.MaxPositions + 1)
        {
            throw new InvalidDataException($"the training text has {train.Count} tokens; it needs more than the {settings.Sizes.MaxPositions + 1}-token window");
        }

        using var model = new TinyGpt(settings.Sizes with { VocabularySize = tokenizer.VocabularySize });
        var trainer = new TextGenerationTrainer(model, settings.MaxSteps, settings.LearningRate, settings.BatchSize);
        var random = new Random(settings.Seed);
        double recent = 0;
        var recentCount = 0;
        double? evalLoss = null;
        var trainClock = Stopwatch.StartNew();
        while (trainer.StepsTaken < settings.MaxSteps && (settings.TimeLimit is not { } limit || trainClock.Elapsed < limit))
        {
            recent += trainer.Step(train, random);
            recentCount++;
            if (trainer.StepsTaken % settings.EvalEvery == 0 || trainer.StepsTaken == settings.MaxSteps)
            {
                evalLoss = eval is null ? null : TextGenerationTrainer.MeanLoss(model, eval, maxWindows: 64);
                var tokensPerSecond = trainer.StepsTaken * (double)trainer.BatchSize * settings.Sizes.MaxPositions / trainClock.Elapsed.TotalSeconds;
                var evalText = evalLoss is { } l ? Line($"  eval loss {l:F4} (ppl {Math.Exp(l):F1}, first 64 windows)") : "";
                log.WriteLine(Line($"step {trainer.StepsTaken}/{settings.MaxSteps}  loss {recent / recentCount:F4}{evalText}  lr {trainer.LearningRate(trainer.StepsTaken):E2}  {tokensPerSecond:F0} tokens/s  {trainClock.Elapsed.TotalSeconds:F0}s"));
                (recent, recentCount) = (0, 0);
            }
        }

        var trainLoss = TextGenerationTrainer.MeanLoss(model, train, maxWindows: 64);
        evalLoss = eval is null ? null : TextGenerationTrainer.MeanLoss(model, eval);
        model.save(Path.Combine(settings.Out, "model.bin"));
        GptParity? parity = null;
        if (settings.Export is not null)
        {
            var prompts = ParityPrompts(tokenizer, Math.Min(64, settings.Sizes.MaxPositions - GptOnnxExporter.ParitySteps));
            parity = GptOnnxExporter.Publish(model, settings.Export, settings.Out, prompts, tokenizer.EosTokenId!.Value);
            log.WriteLine(Line($"exported {settings.Export}; ONNX Runtime vs TorchSharp max abs diff {parity.OnnxVsTorch:E2} over prefill + {parity.Steps} cached steps, padded vs alone {parity.PaddedVsAlone:E2}"));
        }

        var result = new TextGenerationResult(trainer.StepsTaken, trainLoss, evalLoss, train.Count, eval?.Count ?? 0, clock.Elapsed, parity);
        var perplexity = result.EvalPerplexity is { } ppl ? Line($", eval loss {evalLoss:F4}, eval perplexity {ppl:F2} ({eval!.Count:N0} tokens)") : "";
        log.WriteLine(Line($"final: steps {result.Steps}, train loss {trainLoss:F4}{perplexity}, {clock.Elapsed.TotalSeconds:F0}s; checkpoint {settings.Out}"));
        return result;
    }

    /// <summary>Prompts of different lengths, so the parity batch is really padded.</summary>
    internal static int[][] ParityPrompts(Gpt2Tokenizer tokenizer, int maxTokens) =>
    [
        tokenizer.Encode("It is a truth universally acknowledged, that a single man in possession", maxTokens, truncate: true).Ids,
        tokenizer.Encode("My dear", maxTokens, truncate: true).Ids,
        tokenizer.Encode("She was", maxTokens, truncate: true).Ids,
    ];

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
