using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Tests.Tokenization;

public sealed class BertTokenizerLoaderTests
{
    private const string MinimalVocabulary = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n";

    [Fact]
    public void Load_MissingVocabulary_ThrowsWithPath()
    {
        using var folder = new TempDirectory();

        var error = Assert.Throws<TokenizerLoadException>(() => BertTokenizerLoader.Load(folder.Path));

        Assert.Contains(Path.Combine(folder.Path, "vocab.txt"), error.Message, StringComparison.Ordinal);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOptions_NoConfigFile_GivesHuggingFaceDefaults()
    {
        using var folder = new TempDirectory();

        BertTokenizerOptions options = BertTokenizerLoader.ReadOptions(folder.Path);

        Assert.True(options.DoLowerCase);
        Assert.Null(options.StripAccents);
        Assert.True(options.ShouldStripAccents);
        Assert.True(options.TokenizeChineseChars);
        Assert.Null(options.ModelMaxLength);
        Assert.Equal(("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]"), (options.ClsToken, options.SepToken, options.PadToken, options.UnkToken, options.MaskToken));
    }

    [Fact]
    public void Load_NoConfigFile_LowercasesAndStripsAccents()
    {
        using var folder = new TempDirectory();
        folder.Write("vocab.txt", MinimalVocabulary);

        BertWordPieceTokenizer tokenizer = BertTokenizerLoader.Load(folder.Path);

        Assert.Equal([2, 5, 3], tokenizer.Encode("HÉLLO", 8, true).Ids);
    }

    [Fact]
    public void ReadOptions_TinyBertClsConfig_ReadsEverySetting()
    {
        BertTokenizerOptions options = BertTokenizerLoader.ReadOptions(TestPaths.TinyBertClsDirectory);

        Assert.True(options.DoLowerCase);
        Assert.Equal(64, options.ModelMaxLength);
        Assert.Equal("[CLS]", options.ClsToken);
    }

    [Fact]
    public void ReadOptions_ConfigWithUtf8ByteOrderMark_IsRead()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(Path.Combine(folder.Path, "tokenizer_config.json"), "{ \"do_lower_case\": false, \"model_max_length\": 128 }", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        BertTokenizerOptions options = BertTokenizerLoader.ReadOptions(folder.Path);

        Assert.False(options.DoLowerCase);
        Assert.Equal(128, options.ModelMaxLength);
    }

    [Fact]
    public void ReadOptions_ExplicitSettings_OverrideDefaults()
    {
        using var folder = new TempDirectory();
        folder.Write("tokenizer_config.json", """
            {
              "do_lower_case": false,
              "strip_accents": true,
              "tokenize_chinese_chars": false,
              "model_max_length": 1000000000000000019884624838656,
              "cls_token": { "__type": "AddedToken", "content": "<cls>", "lstrip": false },
              "unk_token": "<unk>"
            }
            """);

        BertTokenizerOptions options = BertTokenizerLoader.ReadOptions(folder.Path);

        Assert.False(options.DoLowerCase);
        Assert.True(options.ShouldStripAccents);
        Assert.False(options.TokenizeChineseChars);
        Assert.Null(options.ModelMaxLength);
        Assert.Equal("<cls>", options.ClsToken);
        Assert.Equal("<unk>", options.UnkToken);
        Assert.Equal("[SEP]", options.SepToken);
    }

    [Fact]
    public void ReadOptions_MalformedJson_ThrowsNamingTheFile()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("tokenizer_config.json", """{ "do_lower_case": tru """);

        var error = Assert.Throws<TokenizerLoadException>(() => BertTokenizerLoader.ReadOptions(folder.Path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOptions_SettingOfWrongType_ThrowsNamingTheSetting()
    {
        using var folder = new TempDirectory();
        folder.Write("tokenizer_config.json", """{ "do_lower_case": "yes" }""");

        var error = Assert.Throws<TokenizerLoadException>(() => BertTokenizerLoader.ReadOptions(folder.Path));

        Assert.Contains("'do_lower_case'", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"yes\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SpecialTokenNotInVocabulary_ThrowsNamingTokenAndFile()
    {
        using var folder = new TempDirectory();
        string vocabulary = folder.Write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");

        var error = Assert.Throws<TokenizerLoadException>(() => BertTokenizerLoader.Load(folder.Path));

        Assert.Contains(vocabulary, error.Message, StringComparison.Ordinal);
        Assert.Contains("'[MASK]'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RepeatedVocabularyToken_ThrowsNamingTheLines()
    {
        using var folder = new TempDirectory();
        folder.Write("vocab.txt", MinimalVocabulary + "hello\n");

        var error = Assert.Throws<TokenizerLoadException>(() => BertTokenizerLoader.Load(folder.Path));

        Assert.Contains("line 6 and again on line 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyVocabulary_Throws()
    {
        using var folder = new TempDirectory();
        folder.Write("vocab.txt", string.Empty);

        var error = Assert.Throws<TokenizerLoadException>(() => BertTokenizerLoader.Load(folder.Path));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }
}
