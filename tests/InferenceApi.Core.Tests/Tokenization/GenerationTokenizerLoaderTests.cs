using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Tests.Tokenization;

public sealed class GenerationTokenizerLoaderTests
{
    [Theory]
    [InlineData("gpt2-austen", typeof(HuggingFaceTokenizer))]
    [InlineData("llama2-spm", typeof(SentencePieceTokenizer))]
    public void Load_FolderWithOneKind_PicksIt(string fixture, Type expected)
    {
        string folder = TokenizerReferences.Folder(fixture);

        Assert.IsType(expected, GenerationTokenizerLoader.Load(folder, GenerationTokenizerConfig.Read(folder)));
    }

    [Fact]
    public void Load_VocabMergesAndTokenizerJson_PrefersVocabAndMerges()
    {
        using var folder = new TempDirectory();
        Copy(Path.Combine(TestPaths.OnnxFixturesDirectory, "tiny-gpt"), folder.Path, "vocab.json", "merges.txt");
        Copy(TokenizerReferences.Folder("tiny-gpt-chat"), folder.Path, "tokenizer.json");

        Assert.IsType<Gpt2Tokenizer>(GenerationTokenizerLoader.Load(folder.Path, new GenerationTokenizerConfig()));
    }

    [Fact]
    public void Load_TokenizerJsonAndModel_PrefersTokenizerJson()
    {
        using var folder = new TempDirectory();
        Copy(TokenizerReferences.Folder("mistral"), folder.Path, "tokenizer.json");
        Copy(TokenizerReferences.Folder("llama2-spm"), folder.Path, "tokenizer.model");

        Assert.IsType<HuggingFaceTokenizer>(GenerationTokenizerLoader.Load(folder.Path, new GenerationTokenizerConfig()));
    }

    [Theory]
    [InlineData("vocab.json", "vocab.json: found without merges.txt")]
    [InlineData("merges.txt", "merges.txt: found without vocab.json")]
    public void Load_HalfAPair_NamesTheMissingFile(string present, string message)
    {
        using var folder = new TempDirectory();
        Copy(Path.Combine(TestPaths.OnnxFixturesDirectory, "tiny-gpt"), folder.Path, present);

        var error = Assert.Throws<TokenizerLoadException>(() => GenerationTokenizerLoader.Load(folder.Path, new GenerationTokenizerConfig()));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Load_NoTokenizer_ListsWhatWouldDo()
    {
        using var folder = new TempDirectory();

        var error = Assert.Throws<TokenizerLoadException>(() => GenerationTokenizerLoader.Load(folder.Path, new GenerationTokenizerConfig()));

        Assert.Contains("vocab.json + merges.txt, tokenizer.json or tokenizer.model", error.Message);
    }

    [Fact]
    public void Load_EosTokenTheTokenizerLacks_SaysTheFilesDoNotBelongTogether()
    {
        string folder = TokenizerReferences.Folder("llama3");

        var error = Assert.Throws<TokenizerLoadException>(() => GenerationTokenizerLoader.Load(folder, new GenerationTokenizerConfig { EosToken = "<|im_end|>" }));

        Assert.Contains("eos_token '<|im_end|>' (from tokenizer_config.json) is neither in the vocabulary nor an added token", error.Message);
    }

    [Theory]
    [InlineData("""{"model": {"type": "Unigram", "vocab": []}}""", "model type 'Unigram' is not supported")]
    [InlineData("""{"normalizer": {"type": "Precompiled"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "decoder": {"type": "ByteLevel"}}""", "normalizer 'Precompiled' is not supported")]
    [InlineData("""{"pre_tokenizer": {"type": "BertPreTokenizer"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""", "pre_tokenizer 'BertPreTokenizer' is not supported")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a c"]}, "decoder": {"type": "ByteLevel"}}""", "model.merges[0] ('a', 'c') uses a token that is not in model.vocab")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "decoder": {"type": "WordPiece"}}""", "decoder 'WordPiece' is not supported")]
    [InlineData("""{"pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "decoder": {"type": "ByteLevel"}}""", "byte 0x00 has no token")]
    [InlineData("""not json""", "not valid JSON")]
    public void Load_TokenizerJsonItCannotRun_SaysWhichPart(string json, string message)
    {
        using var folder = new TempDirectory();
        folder.Write("tokenizer.json", json);

        var error = Assert.Throws<TokenizerLoadException>(() => GenerationTokenizerLoader.Load(folder.Path, new GenerationTokenizerConfig()));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Load_TokenizerModelThatIsNotProtobuf_SaysSo()
    {
        using var folder = new TempDirectory();
        folder.Write("tokenizer.model", "definitely not a protobuf");

        var error = Assert.Throws<TokenizerLoadException>(() => GenerationTokenizerLoader.Load(folder.Path, new GenerationTokenizerConfig()));

        Assert.Contains("tokenizer.model: not a SentencePiece model", error.Message);
    }

    private static void Copy(string from, string to, params string[] files)
    {
        foreach (string file in files)
        {
            File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        }
    }
}
