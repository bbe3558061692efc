using System.Text;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Models;

public sealed class HfModelConfigTests
{
    [Fact]
    public void Load_FullConfig_ReadsEveryField()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("config.json", """
            {
              "model_type": "bert",
              "architectures": ["BertForSequenceClassification"],
              "id2label": { "0": "NEGATIVE", "1": "POSITIVE" },
              "hidden_size": 128,
              "max_position_embeddings": 512,
              "vocab_size": 30522
            }
            """);

        var config = HfModelConfig.Load(path);

        Assert.Equal("bert", config.ModelType);
        Assert.Equal(["BertForSequenceClassification"], config.Architectures);
        Assert.Equal(["NEGATIVE", "POSITIVE"], config.Labels);
        Assert.Equal(128, config.HiddenSize);
        Assert.Equal(512, config.MaxPositionEmbeddings);
    }

    [Fact]
    public void Load_Id2LabelOutOfOrder_GivesLabelsInIdOrder()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("config.json", """{ "id2label": { "2": "c", "10": "k", "0": "a", "1": "b", "3": "d", "4": "e", "5": "f", "6": "g", "7": "h", "8": "i", "9": "j" } }""");

        var config = HfModelConfig.Load(path);

        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"], config.Labels);
    }

    [Fact]
    public void Load_Id2LabelWithGap_ThrowsNamingFileAndRule()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("config.json", """{ "id2label": { "0": "a", "2": "c" } }""");

        var error = Assert.Throws<ModelFolderException>(() => HfModelConfig.Load(path));

        Assert.StartsWith("config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("without gaps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Id2LabelNotStartingAtZero_Throws()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("config.json", """{ "id2label": { "1": "a", "2": "b" } }""");

        Assert.Throws<ModelFolderException>(() => HfModelConfig.Load(path));
    }

    [Theory]
    [InlineData("""{ "id2label": { "x": "a" } }""", "'x'")]
    [InlineData("""{ "id2label": { "-1": "a" } }""", "'-1'")]
    [InlineData("""{ "id2label": { "0": 5 } }""", "'0'")]
    public void Load_Id2LabelBadEntry_ThrowsNamingTheKey(string json, string key)
    {
        using var folder = new TempDirectory();
        var path = folder.Write("config.json", json);

        var error = Assert.Throws<ModelFolderException>(() => HfModelConfig.Load(path));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"model_type\": ")]
    [InlineData("{ \"model_type\": \"bert\", }")]
    [InlineData("not json")]
    public void Load_MalformedJson_ThrowsNamingTheFile(string json)
    {
        using var folder = new TempDirectory();
        var path = folder.Write("config.json", json);

        var error = Assert.Throws<ModelFolderException>(() => HfModelConfig.Load(path));

        Assert.StartsWith("config.json is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"bert\"")]
    [InlineData("null")]
    public void Load_JsonThatIsNotAnObject_ThrowsNamingTheFile(string json)
    {
        using var folder = new TempDirectory();
        var path = folder.Write("config.json", json);

        var error = Assert.Throws<ModelFolderException>(() => HfModelConfig.Load(path));

        Assert.StartsWith("config.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithUtf8ByteOrderMark_IsRead()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "config.json");
        File.WriteAllText(path, """{ "id2label": { "0": "a", "1": "b" } }""", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal(["a", "b"], HfModelConfig.Load(path).Labels);
    }

    [Fact]
    public void Load_MissingFile_GivesEmptyConfig()
    {
        using var folder = new TempDirectory();

        var config = HfModelConfig.Load(Path.Combine(folder.Path, "config.json"));

        Assert.Empty(config.Labels);
        Assert.Empty(config.Architectures);
        Assert.Null(config.ModelType);
    }

    [Fact]
    public void Load_Gpt2StyleNames_ReadsHiddenSizeAndPositions()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("config.json", """{ "n_embd": 64, "n_positions": 256 }""");

        var config = HfModelConfig.Load(path);

        Assert.Equal(64, config.HiddenSize);
        Assert.Equal(256, config.MaxPositionEmbeddings);
    }
}
