using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Tests.Tokenization;

public sealed class ByteLevelBpeTrainerTests : IDisposable
{
    private static readonly string[] Corpus =
    [
        "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
        "However little known the feelings or views of such a man may be on his first entering a neighbourhood, this truth is so well fixed.",
        "\"My dear Mr. Bennet,\" said his lady to him one day, \"have you heard that Netherfield Park is let at last?\"",
        "Mr. Bennet replied that he had not. Café, naïve — and 😀 too.",
    ];

    private readonly TempDirectory _temp = new();

    [Fact]
    public void Train_SmallCorpus_FillsTheVocabularyWithBytesMergesAndSpecialTokens()
    {
        var bpe = ByteLevelBpeTrainer.Train(Corpus, 300, [Gpt2TokenizerOptions.EndOfText], minFrequency: 1);

        Assert.Equal(300, bpe.Tokens.Count);
        Assert.Equal(300 - 256 - 1, bpe.Merges.Count);
        Assert.Equal(Gpt2TokenizerOptions.EndOfText, bpe.Tokens[^1]);
        Assert.Equal(bpe.Tokens.Count, bpe.Tokens.Distinct().Count());
        // The most frequent pair in English byte-level text: a space before a letter ("Ġ" + letter) or "th"/"in".
        Assert.Equal(2, bpe.Merges[0].Left.Length + bpe.Merges[0].Right.Length);
    }

    [Fact]
    public void Train_MinFrequency_StopsBeforeRarePairsAreMerged()
    {
        var bpe = ByteLevelBpeTrainer.Train(["ab ab ab cd"], 1000, [Gpt2TokenizerOptions.EndOfText], minFrequency: 2);

        Assert.Contains(("a", "b"), bpe.Merges);
        Assert.DoesNotContain(("c", "d"), bpe.Merges);
        Assert.True(bpe.Tokens.Count < 1000);
    }

    [Fact]
    public void Written_IsReadByTheServersTokenizer_WhichRoundTripsAnyText()
    {
        var bpe = ByteLevelBpeTrainer.Train(Corpus, 320, [Gpt2TokenizerOptions.EndOfText], minFrequency: 1);
        bpe.Write(_temp.Path);

        var tokenizer = Gpt2Tokenizer.Create(Path.Combine(_temp.Path, "vocab.json"), Path.Combine(_temp.Path, "merges.txt"), new Gpt2TokenizerOptions());

        Assert.Equal(320, tokenizer.VocabularySize);
        Assert.Equal(319, tokenizer.EosTokenId);
        foreach (var text in Corpus.Append("Unseen words: zymurgy, 東京, tabs\tand\nnewlines  "))
        {
            var ids = tokenizer.Encode(text, 10_000, truncate: false).Ids;
            Assert.Equal(text, tokenizer.Decode(ids, skipSpecialTokens: false));
        }

        // Learned merges shorten the training text well below one token per byte.
        var trained = tokenizer.Encode(Corpus[0], 10_000, truncate: false).Ids;
        Assert.True(trained.Length < System.Text.Encoding.UTF8.GetByteCount(Corpus[0]) * 0.7, $"{trained.Length} tokens");
    }

    [Fact]
    public void Train_SameCorpusTwice_GivesTheSameMergesInTheSameOrder()
    {
        var first = ByteLevelBpeTrainer.Train(Corpus, 300, [Gpt2TokenizerOptions.EndOfText], minFrequency: 1);
        var second = ByteLevelBpeTrainer.Train(Corpus.Reverse(), 300, [Gpt2TokenizerOptions.EndOfText], minFrequency: 1);

        Assert.Equal(first.Merges, second.Merges);
        Assert.Equal(first.Tokens, second.Tokens);
    }

    [Fact]
    public void Train_VocabularySmallerThanTheBytesAndSpecialTokens_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteLevelBpeTrainer.Train(Corpus, 256, [Gpt2TokenizerOptions.EndOfText]));
    }

    [Fact]
    public void Train_SpecialTokenThatIsAlsoALearnedToken_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => ByteLevelBpeTrainer.Train(["aa aa aa aa"], 300, ["aa"], minFrequency: 1));
    }

    public void Dispose() => _temp.Dispose();
}
