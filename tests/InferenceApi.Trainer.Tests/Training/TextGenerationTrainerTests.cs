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
    public void Cut_WindowsOverlapByOneToken_SoEveryTokenButTheFirstIsPredictedOnce()
    {
        var windows = TokenWindows.Cut([.. Enumerable.Range(0, 10)], 4, "x");

        Assert.Equal(3, windows.Count);
        Assert.Equal([0L, 1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9], windows.ToBatch());
        Assert.Throws<InvalidDataException>(() => TokenWindows.Cut([1, 2, 3], 4, "short.txt"));
    }

    [Fact]
    public void Split_HoldsOutWholeWindows()
    {
        var windows = TokenWindows.Cut([.. Enumerable.Range(0, 401)], 5, "x");

        var (train, held) = windows.Split(0.1, seed: 1);

        Assert.Equal(100, train.Count + held.Count);
        Assert.Equal(10, held.Count);
        Assert.Empty(train.ToBatch().Chunk(5).Select(w => w[0]).Intersect(held.ToBatch().Chunk(5).Select(w => w[0])));
    }

    [Fact]
    public void Step_FewThousandTokens_LossGoesDown()
    {
        var corpus = SmallCorpus(out var tokenizer);
        manual_seed(3);
        using var model = new TinyGpt(new GptOptions { VocabularySize = tokenizer.VocabularySize, MaxPositions = 32, HiddenSize = 32, Heads = 2, Layers = 1, IntermediateSize = 64, Dropout = 0 });
        var trainer = new TextGenerationTrainer(model, totalSteps: 60, learningRate: 3e-3);
        var before = TextGenerationTrainer.MeanLoss(model, corpus);

        var random = new Random(3);
        for (var i = 0; i < 60; i++)
        {
            trainer.Step(corpus.Subset([.. Enumerable.Range(0, 8).Select(_ => random.Next(corpus.Count))]));
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

    public void Dispose() => temp.Dispose();

    private TokenWindows SmallCorpus(out Gpt2Tokenizer tokenizer)
    {
        var documents = TextCorpus.ReadDocuments([Persuasion]).Select(d => d[..20_000]).ToArray();
        var directory = Path.Combine(temp.Path, "bpe");
        ByteLevelBpeTrainer.Train(documents, 300, [Gpt2TokenizerOptions.EndOfText]).Write(directory);
        tokenizer = Gpt2Tokenizer.Create(Path.Combine(directory, "vocab.json"), Path.Combine(directory, "merges.txt"), new Gpt2TokenizerOptions());
        return TokenWindows.Cut(TextCorpus.Tokenize(documents, tokenizer), 33, Persuasion);
    }
}
