using System.Text.Json;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Tests.Tokenization;

public sealed class BertWordPieceTokenizerTests
{
    private static readonly Lazy<BertWordPieceTokenizer> LazyUncased = new(() => BertTokenizerLoader.Load(TestPaths.BertBaseUncasedDirectory));

    private static BertWordPieceTokenizer Uncased => LazyUncased.Value;

    public static TheoryData<string, int[]> BertBaseUncasedCases()
    {
        var data = new TheoryData<string, int[]>();
        foreach ((string text, int[] ids) in ReadCases(Path.Combine(TestPaths.FixturesDirectory, "tokenizers", "bert-base-uncased.json"), "cases"))
        {
            data.Add(text, ids);
        }

        return data;
    }

    public static TheoryData<string, int[]> TinyBertClsCases()
    {
        var data = new TheoryData<string, int[]>();
        foreach ((string text, int[] ids) in ReadCases(Path.Combine(TestPaths.FixturesDirectory, "onnx", "expected.json"), "tiny-bert-cls"))
        {
            data.Add(text, ids);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BertBaseUncasedCases))]
    public void Encode_BertBaseUncasedReferenceCase_MatchesReferenceIds(string text, int[] expected)
    {
        TokenizedText encoded = Uncased.Encode(text, maxTokens: 512, truncate: true);

        Assert.Equal(expected, encoded.Ids);
        Assert.Equal(expected.Length, encoded.OriginalLength);
        Assert.False(encoded.WasTruncated);
    }

    [Theory]
    [MemberData(nameof(TinyBertClsCases))]
    public void Encode_TinyBertClsExpectedText_MatchesPyTorchExportIds(string text, int[] expected)
    {
        BertWordPieceTokenizer tokenizer = BertTokenizerLoader.Load(TestPaths.TinyBertClsDirectory);

        Assert.Equal(expected, tokenizer.Encode(text, maxTokens: 64, truncate: true).Ids);
    }

    [Theory]
    [MemberData(nameof(BertBaseUncasedCases))]
    public void Describe_BertBaseUncasedReferenceCase_GivesSameIdsAsEncode(string text, int[] expected)
    {
        IReadOnlyList<TokenDetail> tokens = Uncased.Describe(text, maxTokens: 512, truncate: true);

        Assert.Equal(expected, tokens.Select(token => token.Id));
        Assert.All(tokens, token => Assert.InRange(token.Stop, token.Start, text.Length));
    }

    [Fact]
    public void Properties_BertBaseUncased_ReportVocabularyAndPadding()
    {
        Assert.Equal(30522, Uncased.VocabularySize);
        Assert.Equal(0, Uncased.PadTokenId);
        Assert.Equal(2, Uncased.SpecialTokenCount);
    }

    [Fact]
    public void Encode_EmptyText_GivesClsAndSep()
    {
        Assert.Equal([101, 102], Uncased.Encode(string.Empty, maxTokens: 8, truncate: true).Ids);
    }

    [Fact]
    public void Encode_TooLongWithTruncation_KeepsFirstTokensAndEndsWithSep()
    {
        TokenizedText encoded = Uncased.Encode("The movie was GREAT!!! 10/10", maxTokens: 5, truncate: true);

        Assert.Equal([101, 1996, 3185, 2001, 102], encoded.Ids);
        Assert.Equal(5, encoded.Length);
        Assert.Equal(12, encoded.OriginalLength);
        Assert.True(encoded.WasTruncated);
    }

    [Fact]
    public void Encode_ExactlyMaxTokens_IsNotTruncated()
    {
        TokenizedText encoded = Uncased.Encode("The movie was GREAT!!! 10/10", maxTokens: 12, truncate: true);

        Assert.Equal(12, encoded.Length);
        Assert.False(encoded.WasTruncated);
    }

    [Fact]
    public void Encode_TooLongWithoutTruncation_ReturnsAllIdsAndLength()
    {
        TokenizedText encoded = Uncased.Encode("The movie was GREAT!!! 10/10", maxTokens: 5, truncate: false);

        Assert.Equal([101, 1996, 3185, 2001, 2307, 999, 999, 999, 2184, 1013, 2184, 102], encoded.Ids);
        Assert.Equal(12, encoded.OriginalLength);
        Assert.True(encoded.OriginalLength > 5);
        Assert.False(encoded.WasTruncated);
    }

    [Fact]
    public void Encode_MaxTokensBelowSpecialCount_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Uncased.Encode("hello", maxTokens: 1, truncate: true));
    }

    [Fact]
    public void Encode_WordOverHundredCharacters_IsOneUnknownToken()
    {
        string text = "ok " + new string('a', 101) + " ok";

        Assert.Equal([101, 7929, 100, 7929, 102], Uncased.Encode(text, maxTokens: 64, truncate: true).Ids);
    }

    [Fact]
    public void Encode_WordOfExactlyHundredCharacters_IsSplitIntoWordPieces()
    {
        TokenizedText encoded = Uncased.Encode(new string('a', 100), maxTokens: 512, truncate: true);

        Assert.DoesNotContain(100, encoded.Ids);
        Assert.True(encoded.Length > 3);
    }

    [Fact]
    public void Encode_SpecialTokenWrittenInText_IsThatToken()
    {
        Assert.Equal([101, 7592, 103, 2088, 102], Uncased.Encode("hello [MASK] world", maxTokens: 16, truncate: true).Ids);
    }

    [Fact]
    public void Encode_ControlAndZeroWidthCharacters_AreRemoved()
    {
        Assert.Equal(
            Uncased.Encode("hello world", 16, true).Ids,
            Uncased.Encode("hel\u200Blo\u0000 \u00A0world\u0007", 16, true).Ids);
    }

    [Fact]
    public void Encode_ManyThreadsAtOnce_GiveSameIdsAsOneThread()
    {
        string[] texts = BertBaseUncasedCases().Select(row => (string)row[0]).ToArray();
        int[][] expected = texts.Select(text => Uncased.Encode(text, 512, true).Ids).ToArray();
        var results = new int[2000][];

        Parallel.For(0, results.Length, i => results[i] = Uncased.Encode(texts[i % texts.Length], 512, true).Ids);

        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % texts.Length], results[i]);
        }
    }

    [Fact]
    public void Describe_AccentedText_GivesOffsetsIntoOriginalText()
    {
        IReadOnlyList<TokenDetail> tokens = Uncased.Describe("naïve café", maxTokens: 16, truncate: true);

        Assert.Equal(
            [
                new TokenDetail(101, "[CLS]", true, 0, 0),
                new TokenDetail(15743, "naive", false, 0, 5),
                new TokenDetail(7668, "cafe", false, 6, 10),
                new TokenDetail(102, "[SEP]", true, 0, 0),
            ],
            tokens);
    }

    [Fact]
    public void Describe_DecomposedAccent_CoversTheCombiningMark()
    {
        string text = "Cafe\u0301!";

        IReadOnlyList<TokenDetail> tokens = Uncased.Describe(text, maxTokens: 16, truncate: true);

        Assert.Equal(new TokenDetail(7668, "cafe", false, 0, 5), tokens[1]);
        Assert.Equal(new TokenDetail(999, "!", false, 5, 6), tokens[2]);
    }

    [Fact]
    public void Describe_Punctuation_GivesEachMarkItsOwnSpan()
    {
        const string Text = "Hello, world!";

        IReadOnlyList<TokenDetail> tokens = Uncased.Describe(Text, maxTokens: 16, truncate: true);

        Assert.Equal(
            [("[CLS]", 0, 0), ("hello", 0, 5), (",", 5, 6), ("world", 7, 12), ("!", 12, 13), ("[SEP]", 0, 0)],
            tokens.Select(token => (token.Text, token.Start, token.Stop)));
        Assert.Equal([true, false, false, false, false, true], tokens.Select(token => token.Special));
    }

    [Fact]
    public void Describe_WordPieces_SplitTheWordsSpan()
    {
        const string Text = "  Unaffable";

        IReadOnlyList<TokenDetail> tokens = Uncased.Describe(Text, maxTokens: 16, truncate: true);

        TokenDetail[] pieces = tokens.Skip(1).SkipLast(1).ToArray();
        Assert.Equal([14477, 20961, 3468], pieces.Select(token => token.Id));
        Assert.Equal(2, pieces[0].Start);
        Assert.Equal(Text.Length, pieces[^1].Stop);
        Assert.Equal(
            "unaffable",
            string.Concat(pieces.Select(token => Text[token.Start..token.Stop])).ToLowerInvariant());
    }

    [Fact]
    public void Describe_SurrogatePairEmoji_SpansBothUtf16Units()
    {
        IReadOnlyList<TokenDetail> tokens = Uncased.Describe("emoji 😀 test", maxTokens: 16, truncate: true);

        Assert.Equal(new TokenDetail(100, "[UNK]", false, 6, 8), tokens[4]);
        Assert.Equal(new TokenDetail(3231, "test", false, 9, 13), tokens[5]);
    }

    [Fact]
    public void Describe_TooLongWithTruncation_EndsWithSep()
    {
        IReadOnlyList<TokenDetail> tokens = Uncased.Describe("The movie was GREAT!!! 10/10", maxTokens: 4, truncate: true);

        Assert.Equal([101, 1996, 3185, 102], tokens.Select(token => token.Id));
    }

    [Theory]
    [InlineData("Hello, world!", "hello, world!")]
    [InlineData("don't won't I'm", "don't won't i'm")]
    [InlineData("unaffable antidisestablishmentarianism", "unaffable antidisestablishmentarianism")]
    [InlineData("naïve café résumé", "naive cafe resume")]
    [InlineData("The movie was GREAT!!! 10/10", "the movie was great!!! 10 / 10")]
    public void Decode_EncodedText_GivesNormalisedTextBack(string text, string expected)
    {
        Assert.Equal(expected, Uncased.Decode(Uncased.Encode(text, 64, true).Ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Decode_KeepingSpecialTokens_WritesThem()
    {
        Assert.Equal("[CLS] hello, world! [SEP]", Uncased.Decode([101, 7592, 1010, 2088, 999, 102], skipSpecialTokens: false));
    }

    [Fact]
    public void Decode_IdOutsideVocabulary_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Uncased.Decode([101, 30522], skipSpecialTokens: true));
    }

    [Fact]
    public void Encode_CasedVocabulary_KeepsCaseAndAccents()
    {
        using var folder = new TempDirectory();
        folder.Write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nHello\nhello\nCafé\nCafe\n!\n##s\n");
        folder.Write("tokenizer_config.json", """{ "do_lower_case": false }""");
        BertWordPieceTokenizer tokenizer = BertTokenizerLoader.Load(folder.Path);

        Assert.False(tokenizer.Options.ShouldStripAccents);
        Assert.Equal([2, 5, 6, 7, 9, 3], tokenizer.Encode("Hello hello Café!", 16, true).Ids);
        Assert.Equal([2, 1, 3], tokenizer.Encode("HELLO", 16, true).Ids);
        Assert.Equal("Hello hello Café!", tokenizer.Decode(tokenizer.Encode("Hello hello Café!", 16, true).Ids, true));
    }

    [Fact]
    public void Encode_CasedWithStripAccents_StripsAccentsButKeepsCase()
    {
        using var folder = new TempDirectory();
        string vocabulary = folder.Write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nCafe\ncafe\n");
        var options = new BertTokenizerOptions { DoLowerCase = false, StripAccents = true };

        BertWordPieceTokenizer tokenizer = BertWordPieceTokenizer.Create(vocabulary, options);

        Assert.Equal([2, 5, 3], tokenizer.Encode("Café", 16, true).Ids);
    }

    private static IEnumerable<(string Text, int[] Ids)> ReadCases(string path, string arrayName)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty(arrayName).EnumerateArray()
            .Select(item => (
                item.GetProperty("text").GetString()!,
                item.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray()))
            .ToArray();
    }
}
