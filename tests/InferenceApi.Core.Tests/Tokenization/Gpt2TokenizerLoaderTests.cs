using System.Text;
using System.Text.Json;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Tests.Tokenization;

public sealed class Gpt2TokenizerLoaderTests
{
    [Fact]
    public void Load_MissingMerges_ThrowsNamingTheFile()
    {
        using var folder = new TempDirectory();
        WriteByteVocabulary(folder);

        var error = Assert.Throws<TokenizerLoadException>(() => Gpt2TokenizerLoader.Load(folder.Path));

        Assert.Contains(Path.Combine(folder.Path, "merges.txt"), error.Message, StringComparison.Ordinal);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingVocabulary_ThrowsNamingTheFile()
    {
        using var folder = new TempDirectory();
        folder.Write("merges.txt", "#version: 0.2\n");

        var error = Assert.Throws<TokenizerLoadException>(() => Gpt2TokenizerLoader.Load(folder.Path));

        Assert.Contains(Path.Combine(folder.Path, "vocab.json"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrittenVocabulary_MergesByRank()
    {
        using var folder = new TempDirectory();
        WriteByteVocabulary(folder, "ab", "abc", "bc");
        folder.Write("merges.txt", "#version: 0.2\na b\nab c\nb c\n");

        Gpt2Tokenizer tokenizer = Gpt2TokenizerLoader.Load(folder.Path);

        // "a b" outranks "b c", so "abc" is ab + c, then abc; "bcb" has only "b c".
        Assert.Equal([258, 98], tokenizer.Encode("abcb", 16, true).Ids);
        Assert.Equal([259, 98], tokenizer.Encode("bcb", 16, true).Ids);
        Assert.Equal(256, tokenizer.EosTokenId);
    }

    [Fact]
    public void Load_MergeOfUnknownToken_ThrowsWithLineNumber()
    {
        using var folder = new TempDirectory();
        WriteByteVocabulary(folder, "ab");
        folder.Write("merges.txt", "#version: 0.2\na b\nx y\n");

        var error = Assert.Throws<TokenizerLoadException>(() => Gpt2TokenizerLoader.Load(folder.Path));

        Assert.Contains("merges.txt: line 3 uses 'xy'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedMergeLine_ThrowsWithLineNumber()
    {
        using var folder = new TempDirectory();
        WriteByteVocabulary(folder);
        folder.Write("merges.txt", "a b c\n");

        var error = Assert.Throws<TokenizerLoadException>(() => Gpt2TokenizerLoader.Load(folder.Path));

        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_VocabularyWithoutAByte_Throws()
    {
        using var folder = new TempDirectory();
        folder.Write("vocab.json", "{\"a\": 0, \"<|endoftext|>\": 1}");
        folder.Write("merges.txt", string.Empty);

        var error = Assert.Throws<TokenizerLoadException>(() => Gpt2TokenizerLoader.Load(folder.Path));

        Assert.Contains("byte 0x00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_VocabularyNotAnObject_Throws()
    {
        using var folder = new TempDirectory();
        folder.Write("vocab.json", "[1, 2]");
        folder.Write("merges.txt", string.Empty);

        var error = Assert.Throws<TokenizerLoadException>(() => Gpt2TokenizerLoader.Load(folder.Path));

        Assert.Contains("vocab.json: expected a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SpecialTokenNotInVocabulary_ThrowsNamingTheSetting()
    {
        using var folder = new TempDirectory();
        WriteByteVocabulary(folder);
        folder.Write("merges.txt", string.Empty);
        folder.Write("tokenizer_config.json", "{ \"eos_token\": \"</s>\" }");

        var error = Assert.Throws<TokenizerLoadException>(() => Gpt2TokenizerLoader.Load(folder.Path));

        Assert.Contains("'</s>' (eos_token)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOptions_TinyGptConfig_ReadsEverySetting()
    {
        Gpt2TokenizerOptions options = Gpt2TokenizerLoader.ReadOptions(Gpt2TokenizerTests.TinyGptDirectory);

        Assert.Equal(128, options.ModelMaxLength);
        Assert.Equal("<|endoftext|>", options.EosToken);
        Assert.False(options.AddPrefixSpace);
        Assert.Null(options.PadToken);
    }

    [Fact]
    public void ReadOptions_AddedTokenObjectsAndNulls_AreRead()
    {
        using var folder = new TempDirectory();
        folder.Write("tokenizer_config.json", """
            {
              "add_prefix_space": true,
              "model_max_length": 1000000000000000019884624838656,
              "bos_token": { "__type": "AddedToken", "content": "<s>", "lstrip": false },
              "eos_token": "</s>",
              "unk_token": null,
              "pad_token": { "content": "<pad>" }
            }
            """);

        Gpt2TokenizerOptions options = Gpt2TokenizerLoader.ReadOptions(folder.Path);

        Assert.True(options.AddPrefixSpace);
        Assert.Null(options.ModelMaxLength);
        Assert.Equal(("<s>", "</s>", null, "<pad>"), (options.BosToken, options.EosToken, options.UnkToken, options.PadToken));
    }

    [Fact]
    public void ReadOptions_NotJson_ThrowsNamingTheFile()
    {
        using var folder = new TempDirectory();
        folder.Write("tokenizer_config.json", "{ nope");

        var error = Assert.Throws<TokenizerLoadException>(() => Gpt2TokenizerLoader.ReadOptions(folder.Path));

        Assert.Contains("tokenizer_config.json: not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PadTokenConfigured_IsThePadId()
    {
        using var folder = new TempDirectory();
        WriteByteVocabulary(folder, "<pad>");
        folder.Write("merges.txt", string.Empty);
        folder.Write("tokenizer_config.json", "{ \"pad_token\": \"<pad>\" }");

        Gpt2Tokenizer tokenizer = Gpt2TokenizerLoader.Load(folder.Path);

        Assert.Equal(257, tokenizer.PadTokenId);
        Assert.Equal(256, tokenizer.EosTokenId);
    }

    [Fact]
    public void Load_AddPrefixSpace_FirstWordGetsASpaceButOffsetsStayInTheText()
    {
        using var folder = new TempDirectory();
        WriteByteVocabulary(folder, "Ġh", "Ġhi");
        folder.Write("merges.txt", "Ġ h\nĠh i\n");
        folder.Write("tokenizer_config.json", "{ \"add_prefix_space\": true }");

        Gpt2Tokenizer tokenizer = Gpt2TokenizerLoader.Load(folder.Path);

        Assert.Equal([258], tokenizer.Encode("hi", 8, true).Ids);
        Assert.Equal([258], tokenizer.Encode(" hi", 8, true).Ids);
        Assert.Equal(new TokenDetail(258, " hi", false, 0, 2), tokenizer.Describe("hi", 8, true)[0]);
    }

    // The 256 byte tokens in byte order (ids 0-255), <|endoftext|> as 256, then the extra tokens.
    private static void WriteByteVocabulary(TempDirectory folder, params string[] extra)
    {
        var vocabulary = new Dictionary<string, int>();
        for (int b = 0; b < 256; b++)
        {
            vocabulary[ByteLevelAlphabet.ToChar((byte)b).ToString()] = b;
        }

        vocabulary["<|endoftext|>"] = 256;
        foreach (string token in extra)
        {
            vocabulary[token] = vocabulary.Count;
        }

        File.WriteAllText(Path.Combine(folder.Path, "vocab.json"), JsonSerializer.Serialize(vocabulary), Encoding.UTF8);
    }
}
