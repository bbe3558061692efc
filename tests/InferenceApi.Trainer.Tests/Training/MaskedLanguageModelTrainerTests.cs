using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Training;

public sealed class MaskedLanguageModelTrainerTests
{
    private static readonly MaskingVocabulary Vocabulary = new(MaskId: 4, PadId: 0, SpecialIds: new HashSet<int> { 0, 2, 3 }, VocabularySize: 50);

    [Fact]
    public void Mask_LargeBatch_ChoosesAboutFifteenPercentOfRealTokensAndMostlyMasksThem()
    {
        var random = new Random(5);
        var original = Enumerable.Range(0, 20_000).Select(i => (long)(i % 10 == 0 ? 2 : i % 10 == 9 ? 0 : 5 + (i % 40))).ToArray();
        var ids = (long[])original.Clone();

        var (positions, targets) = MaskedLanguageModelTrainer.Mask(ids, Vocabulary, random);

        var real = original.Count(id => !Vocabulary.SpecialIds.Contains((int)id));
        Assert.InRange(positions.Count / (double)real, 0.14, 0.16);
        Assert.All(positions, p => Assert.DoesNotContain((int)original[p], Vocabulary.SpecialIds));
        Assert.Equal(positions.Select(p => original[p]), targets);
        var masked = positions.Count(p => ids[p] == Vocabulary.MaskId) / (double)positions.Count;
        Assert.InRange(masked, 0.77, 0.83);
        var untouchedOutside = Enumerable.Range(0, ids.Length).Except(positions.Select(p => (int)p)).All(i => ids[i] == original[i]);
        Assert.True(untouchedOutside);
    }

    [Fact]
    public void Mask_ShortSentence_AlwaysChoosesAtLeastOneRealToken()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            long[] ids = [2, 7, 3, 0, 0];

            var (positions, targets) = MaskedLanguageModelTrainer.Mask(ids, Vocabulary, new Random(seed));

            Assert.Equal([1L], positions);
            Assert.Equal([7L], targets);
        }
    }

    [Fact]
    public void Step_RepeatedSentences_LossGoesDown()
    {
        manual_seed(2);
        using var model = new TinyBert(new BertOptions { VocabularySize = 50, HiddenSize = 32, Heads = 2, Layers = 1, IntermediateSize = 64, Dropout = 0 });
        int[][] sentences = [[2, 10, 11, 12, 13, 3], [2, 20, 21, 22, 3], [2, 30, 31, 32, 33, 34, 3]];
        using var trainer = new MaskedLanguageModelTrainer(model, Vocabulary, totalSteps: 150, learningRate: 5e-3, batchSize: 32);
        var random = new Random(2);

        var first = Enumerable.Range(0, 10).Average(_ => trainer.Step(sentences, random));
        for (var i = 0; i < 130; i++)
        {
            trainer.Step(sentences, random);
        }

        var last = Enumerable.Range(0, 10).Average(_ => trainer.Step(sentences, random));
        Assert.True(last < first * 0.6, $"loss {first:F3} -> {last:F3}");
    }
}
