using InferenceApi.Core.Tokenization;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Training;

public sealed class TextGenerationTrainerTests : IDisposable
{
    private static readonly string Persuasion = Path.Combine(TestPaths.DataDirectory, "austen", "persuasion.txt");
    private readonly TempDirectory temp = new();

    [Fact]
    public void Paragraphs_JoinsWrappedLinesAndKeepsOneBlankLineBetweenParagraphs()
    {
        var text = TextCorpus.Paragraphs("Chapter 1\r\n\r\n\r\nSir Walter Elliot, of Kellynch Hall,\n  was a man who\n\nnever took up any book\n");

        Assert.Equal("Chapter 1\n\nSir Walter Elliot, of Kellynch Hall, was a man who\n\nnever took up any book", text);
    }

    [Fact]
    public void Step_FewThousandTokens_LossGoesDown()
    {
        var corpus = SmallCorpus(out var tokenizer);
        manual_seed(3);
        using var model = new TinyGpt(new GptOptions { VocabularySize = tokenizer.VocabularySize, MaxPositions = 32, HiddenSize = 32, Heads = 2, Layers = 1, IntermediateSize = 64, Dropout = 0 });
        var trainer = new TextGenerationTrainer(model, totalSteps: 60, learningRate: 3e-3, batchSize: 8);
        var before = TextGenerationTrainer.MeanLoss(model, corpus);

        var random = new Random(3);
        for (var i = 0; i < 60; i++)
        {
            trainer.Step(corpus, random);
        }

        var after = TextGenerationTrainer.MeanLoss(model, corpus);
        Assert.True(after < before - 1.0, $"loss {before:F3} -> {after:F3}");
        Assert.Equal(60, trainer.StepsTaken);
    }

    [Fact]
    public void LearningRate_WarmsUpThenDecaysToATenth()
    {
        using var model = new TinyGpt(new GptOptions { VocabularySize = 260, MaxPositions = 8, HiddenSize = 8, Heads = 2, Layers = 1, IntermediateSize = 16 });
        var trainer = new TextGenerationTrainer(model, totalSteps: 1000, learningRate: 1e-3);

        Assert.Equal(1e-3 / 50, trainer.LearningRate(0), 12);
        Assert.Equal(1e-3, trainer.LearningRate(49), 12);
        Assert.True(trainer.LearningRate(500) is < 1e-3 and > 1e-4);
        Assert.Equal(1e-4, trainer.LearningRate(1000), 12);
    }

    [Fact]
    public void Run_TinySizes_WritesCheckpointTokenizerAndAnExportThatPassedParity()
    {
        var train = Path.Combine(temp.Path, "train.txt");
        File.WriteAllLines(train, File.ReadLines(Persuasion).Take(1500));
        var eval = Path.Combine(temp.Path, "eval.txt");
        File.WriteAllLines(eval, File.ReadLines(Persuasion).Skip(1500).Take(300));
        var log = new StringWriter();

        var result = TextGenerationRun.Run(new TextGenerationSettings
        {
            TrainFiles = [train],
            EvalFile = eval,
            VocabularySize = 400,
            Sizes = new GptOptions { VocabularySize = 0, MaxPositions = 32, HiddenSize = 32, Heads = 2, Layers = 1, IntermediateSize = 64 },
            MaxSteps = 30,
            EvalEvery = 10,
            BatchSize = 8,
            Out = Path.Combine(temp.Path, "checkpoint"),
            Export = Path.Combine(temp.Path, "models", "gpt", "1"),
        }, log);

        Assert.Equal(30, result.Steps);
        Assert.True(result.EvalPerplexity is > 1 and < 400, $"perplexity {result.EvalPerplexity}");
        Assert.True(result.Parity!.Max <= 1e-4);
        foreach (var file in new[] { "model.bin", "vocab.json", "merges.txt" })
        {
            Assert.True(File.Exists(Path.Combine(temp.Path, "checkpoint", file)), file);
        }

        Assert.True(File.Exists(Path.Combine(temp.Path, "models", "gpt", "1", "model.onnx")));
        Assert.Contains("final: steps 30", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("ONNX Runtime vs TorchSharp max abs diff", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingTextFile_FailsBeforeTrainingAndWritesNothing()
    {
        var error = Assert.Throws<FileNotFoundException>(() => TextGenerationRun.Run(new TextGenerationSettings
        {
            TrainFiles = [Path.Combine(temp.Path, "missing.txt")],
            Out = Path.Combine(temp.Path, "checkpoint"),
            Export = Path.Combine(temp.Path, "models", "gpt", "1"),
        }, TextWriter.Null));

        Assert.Contains("missing.txt", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "models")));
    }

    public void Dispose() => temp.Dispose();

    private TextCorpus SmallCorpus(out Gpt2Tokenizer tokenizer)
    {
        var documents = TextCorpus.ReadDocuments([Persuasion]).Select(d => d[..20_000]).ToArray();
        var directory = Path.Combine(temp.Path, "bpe");
        ByteLevelBpeTrainer.Train(documents, 300, [Gpt2TokenizerOptions.EndOfText]).Write(directory);
        tokenizer = Gpt2Tokenizer.Create(Path.Combine(directory, "vocab.json"), Path.Combine(directory, "merges.txt"), new Gpt2TokenizerOptions());
        return TextCorpus.Tokenize(documents, [Persuasion], tokenizer);
    }
}
