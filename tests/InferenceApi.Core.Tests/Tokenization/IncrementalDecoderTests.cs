using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Tests.Tokenization;

public sealed class IncrementalDecoderTests
{
    private static Gpt2Tokenizer Gpt2 => Gpt2TokenizerTests.Gpt2;

    [Fact]
    public void Append_EmojiSplitAcrossTokens_HoldsBytesUntilTheCharacterIsComplete()
    {
        IncrementalDecoder decoder = Gpt2.CreateIncrementalDecoder(skipSpecialTokens: true);

        // 30325 is " " plus the first three bytes of 😀, 222 its last byte.
        string[] pieces = [.. new[] { 368, 31370, 30325, 222, 1332 }.Select(decoder.Append)];

        Assert.Equal(["em", "oji", " ", "😀", " test"], pieces);
        Assert.Equal(string.Empty, decoder.Flush());
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD', StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Gpt2TokenizerTests.TrickyStrings), MemberType = typeof(Gpt2TokenizerTests))]
    public void Append_OneTokenAtATime_JoinsToTheTextWithNoReplacementCharacter(string text)
    {
        int[] ids = Gpt2.Encode(text, 4096, false).Ids;
        IncrementalDecoder decoder = Gpt2.CreateIncrementalDecoder(skipSpecialTokens: false);

        var pieces = ids.Select(decoder.Append).Append(decoder.Flush()).ToList();

        Assert.Equal(text, string.Concat(pieces));
        Assert.Equal(Gpt2.Decode(ids, false), string.Concat(pieces));
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD', StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Gpt2TokenizerTests.TinyGptCases), MemberType = typeof(Gpt2TokenizerTests))]
    public void Append_TinyGptGreedyIds_JoinsToDecodeOfAll(string prompt, int[] promptIds, int[] greedyIds, string greedyText)
    {
        _ = prompt;
        _ = promptIds;
        IncrementalDecoder decoder = Gpt2TokenizerTests.TinyGpt.CreateIncrementalDecoder(skipSpecialTokens: true);

        string joined = string.Concat(greedyIds.Select(decoder.Append)) + decoder.Flush();

        Assert.Equal(greedyText, joined);
    }

    [Fact]
    public void Flush_UnfinishedCharacter_GivesOneReplacementCharacterAndResets()
    {
        IncrementalDecoder decoder = Gpt2.CreateIncrementalDecoder(skipSpecialTokens: true);

        Assert.Equal(" ", decoder.Append(30325));
        Assert.Equal("\uFFFD", decoder.Flush());
        Assert.Equal("Hello", decoder.Append(15496));
    }

    [Fact]
    public void Append_InvalidContinuation_ReplacesOnlyTheBrokenBytes()
    {
        IncrementalDecoder decoder = Gpt2.CreateIncrementalDecoder(skipSpecialTokens: true);

        Assert.Equal(" ", decoder.Append(30325));
        Assert.Equal("\uFFFDHello", decoder.Append(15496));
    }

    [Fact]
    public void Append_SpecialTokenWhenSkipping_GivesNothing()
    {
        IncrementalDecoder skipping = Gpt2.CreateIncrementalDecoder(skipSpecialTokens: true);
        IncrementalDecoder keeping = Gpt2.CreateIncrementalDecoder(skipSpecialTokens: false);

        Assert.Same(string.Empty, skipping.Append(50256));
        Assert.Equal("<|endoftext|>", keeping.Append(50256));
    }

    [Fact]
    public void Append_IdOutsideVocabulary_Throws()
    {
        IncrementalDecoder decoder = Gpt2.CreateIncrementalDecoder(skipSpecialTokens: true);

        Assert.Throws<ArgumentOutOfRangeException>(() => decoder.Append(-1));
    }
}
