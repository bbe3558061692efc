using System.Text.Json;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Tests.Tokenization;

public sealed class Gpt2TokenizerTests
{
    private static readonly Lazy<Gpt2Tokenizer> LazyGpt2 = new(() => Gpt2TokenizerLoader.Load(Gpt2Directory));

    private static readonly Lazy<Gpt2Tokenizer> LazyTinyGpt = new(() => Gpt2TokenizerLoader.Load(TinyGptDirectory));

    public static string Gpt2Directory => Path.Combine(TestPaths.DataDirectory, "tokenizers", "gpt2");

    public static string TinyGptDirectory => Path.Combine(TestPaths.OnnxFixturesDirectory, "tiny-gpt");

    internal static Gpt2Tokenizer Gpt2 => LazyGpt2.Value;

    internal static Gpt2Tokenizer TinyGpt => LazyTinyGpt.Value;

    public static TheoryData<string, int[]> Gpt2Cases()
    {
        var data = new TheoryData<string, int[]>();
        foreach ((string text, int[] ids) in ReadGpt2Cases())
        {
            data.Add(text, ids);
        }

        return data;
    }

    private static List<(string Text, int[] Ids)> ReadGpt2Cases()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.FixturesDirectory, "tokenizers", "gpt2.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray()
            .Select(item => (item.GetProperty("text").GetString()!, ReadIds(item.GetProperty("ids"))))];
    }

    public static TheoryData<string, int[], int[], string> TinyGptCases()
    {
        var data = new TheoryData<string, int[], int[], string>();
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(TestPaths.ExpectedJson));
        foreach (JsonElement item in document.RootElement.GetProperty("tiny-gpt").EnumerateArray())
        {
            data.Add(
                item.GetProperty("prompt").GetString()!,
                ReadIds(item.GetProperty("prompt_ids")),
                ReadIds(item.GetProperty("greedy_ids")),
                item.GetProperty("greedy_text").GetString()!);
        }

        return data;
    }

    public static TheoryData<string> TrickyStrings() => new(TrickyTexts);

    private static readonly string[] TrickyTexts =
    [
        "",
        " ",
        "   leading and trailing   ",
        "\n\nTwo newlines\r\nand CRLF\n",
        "line one\n  indented\tTab",
        "123 4567 3.14159 1,000,000 ²³",
        "don't won't I'm they're we've you'll he'd 'S 'quoted'",
        "naïve café résumé Ångström",
        "emoji 😀 test 👍🏽 family 👨‍👩‍👧 flag 🇫🇷",
        "中文字符 and 日本語 한국어 𠀀𝐀",
        "<|endoftext|> inside text",
        "\u00a0non-breaking\u3000ideographic space",
        "mixed\u200bzero width",
    ];

    [Theory]
    [MemberData(nameof(Gpt2Cases))]
    public void Encode_Gpt2ReferenceCase_MatchesReferenceIds(string text, int[] expected)
    {
        TokenizedText encoded = Gpt2.Encode(text, maxTokens: 1024, truncate: true);

        Assert.Equal(expected, encoded.Ids);
        Assert.False(encoded.WasTruncated);
    }

    [Theory]
    [MemberData(nameof(Gpt2Cases))]
    public void Decode_Gpt2ReferenceIds_GivesText(string text, int[] ids)
    {
        Assert.Equal(text, Gpt2.Decode(ids, skipSpecialTokens: true));
    }

    [Theory]
    [MemberData(nameof(TinyGptCases))]
    public void Encode_TinyGptPrompt_MatchesPromptIds(string prompt, int[] promptIds, int[] greedyIds, string greedyText)
    {
        _ = greedyIds;
        _ = greedyText;

        Assert.Equal(promptIds, TinyGpt.EncodePrompt(prompt, maxTokens: 128, truncate: true).Ids);
        Assert.Equal(promptIds, TinyGpt.Encode(prompt, maxTokens: 128, truncate: true).Ids);
    }

    [Theory]
    [MemberData(nameof(TinyGptCases))]
    public void Decode_TinyGptIds_GivesPromptAndGreedyText(string prompt, int[] promptIds, int[] greedyIds, string greedyText)
    {
        Assert.Equal(prompt, TinyGpt.Decode(promptIds, skipSpecialTokens: true));
        Assert.Equal(greedyText, TinyGpt.Decode(greedyIds, skipSpecialTokens: true));
    }

    [Fact]
    public void TinyGpt_SpecialTokens_ComeFromTokenizerConfig()
    {
        Assert.Equal(264, TinyGpt.EosTokenId);
        Assert.Equal(264, TinyGpt.BosTokenId);
        Assert.Equal(264, TinyGpt.PadTokenId);
        Assert.Equal(265, TinyGpt.VocabularySize);
        Assert.Equal(0, TinyGpt.SpecialTokenCount);
        Assert.Equal(128, TinyGpt.Options.ModelMaxLength);
    }

    [Fact]
    public void Gpt2_NoConfig_UsesEndOfTextForEverySpecialToken()
    {
        Assert.Equal(50256, Gpt2.EosTokenId);
        Assert.Equal(50256, Gpt2.BosTokenId);
        Assert.Equal(50256, Gpt2.PadTokenId);
        Assert.Equal(50257, Gpt2.VocabularySize);
    }

    [Theory]
    [MemberData(nameof(TrickyStrings))]
    public void Decode_EncodedTrickyString_RoundTrips(string text)
    {
        int[] ids = Gpt2.Encode(text, maxTokens: 4096, truncate: false).Ids;

        Assert.Equal(text, Gpt2.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void Encode_EndOfTextWrittenInText_BecomesTheSpecialToken()
    {
        int[] ids = Gpt2.Encode("Hi<|endoftext|>there", 64, true).Ids;

        Assert.Equal([17250, 50256, 8117], ids);
        Assert.Equal("Hithere", Gpt2.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("Hi<|endoftext|>there", Gpt2.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void Encode_LongText_TruncationKeepsFirstTokens()
    {
        int[] all = Gpt2.Encode("one two three four five", 64, false).Ids;

        TokenizedText encoded = Gpt2.Encode("one two three four five", 2, truncate: true);

        Assert.Equal(all[..2], encoded.Ids);
        Assert.Equal(all.Length, encoded.OriginalLength);
        Assert.True(encoded.WasTruncated);
    }

    [Fact]
    public void EncodePrompt_LongText_TruncationKeepsLastTokens()
    {
        int[] all = Gpt2.Encode("one two three four five", 64, false).Ids;

        TokenizedText encoded = Gpt2.EncodePrompt("one two three four five", 2, truncate: true);

        Assert.Equal(all[^2..], encoded.Ids);
        Assert.Equal(" four five", Gpt2.Decode(encoded.Ids, true));
        Assert.Equal(5, encoded.OriginalLength);
        Assert.True(encoded.WasTruncated);
    }

    [Fact]
    public void EncodePrompt_NoTruncate_ReturnsEverything()
    {
        TokenizedText encoded = Gpt2.EncodePrompt("one two three four five", 2, truncate: false);

        Assert.Equal(5, encoded.Length);
        Assert.True(encoded.WasTruncated is false);
    }

    [Fact]
    public void Encode_MaxTokensBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2.Encode("x", 0, true));
    }

    [Fact]
    public void Describe_HelloWorld_GivesTokenTextsAndOffsets()
    {
        IReadOnlyList<TokenDetail> details = Gpt2.Describe("Hello, world!", 64, true);

        Assert.Equal(
            [
                new TokenDetail(15496, "Hello", false, 0, 5),
                new TokenDetail(11, ",", false, 5, 6),
                new TokenDetail(995, " world", false, 6, 12),
                new TokenDetail(0, "!", false, 12, 13),
            ],
            details);
    }

    [Fact]
    public void Describe_EmojiSplitAcrossTokens_EachPartSpansTheWholeCharacter()
    {
        // "emoji 😀 test": 368 "em", 31370 "oji", 30325 " \xF0\x9F\x98", 222 "\x80", 1332 " test".
        IReadOnlyList<TokenDetail> details = Gpt2.Describe("emoji 😀 test", 64, true);

        Assert.Equal([368, 31370, 30325, 222, 1332], details.Select(d => d.Id));
        Assert.Equal((5, 8), (details[2].Start, details[2].Stop));
        Assert.Equal((6, 8), (details[3].Start, details[3].Stop));
        Assert.Equal((8, 13), (details[4].Start, details[4].Stop));
        Assert.Equal(" test", details[4].Text);
        Assert.Contains('\uFFFD', details[3].Text);
    }

    [Theory]
    [MemberData(nameof(Gpt2Cases))]
    public void Describe_ReferenceCase_SpansAreOrderedAndCoverTheText(string text, int[] ids)
    {
        IReadOnlyList<TokenDetail> details = Gpt2.Describe(text, 1024, true);

        Assert.Equal(ids, details.Select(d => d.Id));
        Assert.Equal(0, details[0].Start);
        Assert.Equal(text.Length, details[^1].Stop);
        for (int i = 1; i < details.Count; i++)
        {
            Assert.True(details[i].Start >= details[i - 1].Start && details[i].Start <= details[i - 1].Stop, $"token {i} of '{text}'");
        }
    }

    [Fact]
    public void Describe_SpecialTokenInText_IsFlaggedWithItsSpan()
    {
        IReadOnlyList<TokenDetail> details = Gpt2.Describe("Hi<|endoftext|>", 64, true);

        Assert.Equal(new TokenDetail(50256, "<|endoftext|>", true, 2, 15), details[1]);
    }

    [Fact]
    public void Encode_PieceOfHundredThousandLetters_FinishesAndRoundTrips()
    {
        string text = string.Concat(Enumerable.Repeat("abcdefghij", 10_000));

        int[] ids = Gpt2.Encode(text, 200_000, false).Ids;

        Assert.Equal(text, Gpt2.Decode(ids, true));
        Assert.True(ids.Length < text.Length);
    }

    [Fact]
    public void Encode_ManyThreadsAtOnce_SameIdsAsOneThread()
    {
        string[] texts = [.. ReadGpt2Cases().Select(c => c.Text), .. TrickyTexts];
        int[][] expected = [.. texts.Select(t => Gpt2.Encode(t, 4096, false).Ids)];
        var fresh = Gpt2TokenizerLoader.Load(Gpt2Directory);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();

        Parallel.For(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            int index = i % texts.Length;
            int[] ids = fresh.Encode(texts[index], 4096, false).Ids;
            if (!ids.AsSpan().SequenceEqual(expected[index]) || fresh.Decode(ids, false) != texts[index])
            {
                failures.Add(texts[index]);
            }
        });

        Assert.Empty(failures);
    }

    [Fact]
    public void Decode_IdOutsideVocabulary_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2.Decode([50257], true));
    }

    [Fact]
    public void Decode_InvalidBytes_BecomeReplacementCharacters()
    {
        // 217 is the byte 0xD9 alone, 245 the byte 0xF5 that never occurs in UTF-8.
        Assert.Equal("A\uFFFD\uFFFD\uFFFD", TinyGpt.Decode([65, 217, 245, 217], true));
    }

    private static int[] ReadIds(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];
}
