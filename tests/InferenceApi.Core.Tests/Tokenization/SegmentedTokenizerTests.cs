using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Tests.Tokenization;

/// <summary>What generation needs beyond the reference ids: prompts with and without the bos token, streaming, offsets.</summary>
public sealed class SegmentedTokenizerTests
{
    [Theory]
    [InlineData("llama2-spm")]
    [InlineData("mistral")]
    [InlineData("gemma3")]
    public void EncodePrompt_WithAndWithoutSpecialTokens_DiffersByTheBosToken(string fixture)
    {
        IGenerationTokenizer tokenizer = TokenizerReferences.Tokenizer(fixture);

        int[] with = tokenizer.EncodePrompt("Hello world", 100, truncate: false, addSpecialTokens: true).Ids;
        int[] without = tokenizer.EncodePrompt("Hello world", 100, truncate: false, addSpecialTokens: false).Ids;

        Assert.Equal([tokenizer.SpecialTokens.BosId!.Value, .. without], with);
    }

    [Fact]
    public void EncodePrompt_Truncated_KeepsTheBosTokenAndTheLastTokens()
    {
        IGenerationTokenizer tokenizer = TokenizerReferences.Tokenizer("llama2-spm");
        int[] all = tokenizer.EncodePrompt("one two three four five six", 100, truncate: false, addSpecialTokens: true).Ids;

        TokenizedText cut = tokenizer.EncodePrompt("one two three four five six", 4, truncate: true, addSpecialTokens: true);

        Assert.Equal([all[0], .. all[^3..]], cut.Ids);
        Assert.Equal(all.Length, cut.OriginalLength);
    }

    [Theory]
    [InlineData("llama2-spm", "東京 😀 🦙 naïve")]
    [InlineData("mistral", "東京 😀 🦙 naïve")]
    [InlineData("gemma3", "  spaced  😀\n\nout")]
    [InlineData("qwen3", "東京 😀 🦙 naïve")]
    public void IncrementalDecoder_ByteFallbackAndSpaces_StreamsTheTextWithNoReplacementCharacter(string fixture, string text)
    {
        IGenerationTokenizer tokenizer = TokenizerReferences.Tokenizer(fixture);
        int[] ids = tokenizer.EncodePrompt(text, 100, truncate: false, addSpecialTokens: false).Ids;
        IncrementalDecoder decoder = tokenizer.CreateIncrementalDecoder(skipSpecialTokens: true);

        var pieces = ids.Select(decoder.Append).Append(decoder.Flush()).ToList();

        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD', StringComparison.Ordinal));
        // A stream continues its prompt, so the "▁" a SentencePiece text starts with stays a space there; Decode drops it.
        string decoded = tokenizer.Decode(ids, skipSpecialTokens: true);
        Assert.Contains(string.Concat(pieces), new[] { decoded, " " + decoded });
        Assert.Equal(text, string.Concat(pieces).Length == text.Length ? string.Concat(pieces) : string.Concat(pieces)[1..]);
    }

    [Fact]
    public void IncrementalDecoder_EmojiInByteFallbackPieces_HoldsTheBytesUntilTheLast()
    {
        IGenerationTokenizer tokenizer = TokenizerReferences.Tokenizer("llama2-spm");
        int[] ids = tokenizer.EncodePrompt("🦙", 100, truncate: false, addSpecialTokens: false).Ids;
        IncrementalDecoder decoder = tokenizer.CreateIncrementalDecoder(skipSpecialTokens: true);

        string[] pieces = [.. ids.Select(decoder.Append)];

        // "▁" then the four <0xF0> <0x9F> <0xA6> <0x99> byte pieces: nothing shows until the fourth byte.
        Assert.Equal(5, ids.Length);
        Assert.Equal([" ", string.Empty, string.Empty, string.Empty, "🦙"], pieces);
    }

    [Fact]
    public void Describe_SentencePieceText_SpansPointAtTheOriginalCharacters()
    {
        IGenerationTokenizer tokenizer = TokenizerReferences.Tokenizer("llama2-spm");

        IReadOnlyList<TokenDetail> tokens = tokenizer.Describe("Hello world", 100, truncate: false);

        Assert.Equal(["<s>", " Hello", " world"], tokens.Select(t => t.Text));
        Assert.Equal([(0, 0), (0, 5), (5, 11)], tokens.Select(t => (t.Start, t.Stop)));
        Assert.True(tokens[0].Special);
    }

    [Fact]
    public void Encode_AstralLettersWithLlama3Regex_StayOneWordAsInTheReference()
    {
        // 𝐀𝐁𝐂 are letters outside the BMP: one \p{L}+ piece for Llama-3's regex, as tokenizers.js and Rust split it.
        ReferenceCase reference = TokenizerReferences.For("llama3").Single(c => c.Text.StartsWith("Math:", StringComparison.Ordinal));

        Assert.Equal(reference.Ids, TokenizerReferences.Tokenizer("llama3").Encode(reference.Text, 1000, false).Ids);
    }
}
