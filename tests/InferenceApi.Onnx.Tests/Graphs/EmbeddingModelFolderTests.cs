using System.Text.Json.Nodes;
using InferenceApi.Onnx.Graphs;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx.Tests.Graphs;

public sealed class EmbeddingModelFolderTests
{
    [Fact]
    public void CreateFrom_TinyBertClassifier_WritesAFeatureExtractionFolder()
    {
        using var temp = new TempDirectory();
        var target = Path.Combine(temp.Path, "tiny-bert-embed", "1");

        EmbeddingModelFolder.CreateFrom(TestPaths.TinyBertClsDirectory, target);

        Assert.Equal(
            ["config.json", "model.onnx", "tokenizer_config.json", "vocab.txt"],
            Directory.GetFiles(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var copied in new[] { "vocab.txt", "tokenizer_config.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.TinyBertClsDirectory, copied)), File.ReadAllBytes(Path.Combine(target, copied)));
        }

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(target, "config.json")))!.AsObject();
        Assert.Equal(["BertModel"], config["architectures"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.False(config.ContainsKey("id2label"));
        Assert.False(config.ContainsKey("label2id"));
        Assert.Equal(32, config["hidden_size"]!.GetValue<int>());
        Assert.Equal("bert", config["model_type"]!.GetValue<string>());

        using var session = new InferenceSession(Path.Combine(target, "model.onnx"));
        var (shape, _) = TinyBertFixture.RunHiddenState(session, TinyBertFixture.ExpectedCases()[0].Ids);
        Assert.Equal([1L, 7, 32], shape);
    }

    [Fact]
    public void CreateFrom_FolderWithoutVocab_ThrowsNamingTheFile()
    {
        using var temp = new TempDirectory();
        var source = Path.Combine(temp.Path, "classifier");
        Directory.CreateDirectory(source);
        foreach (var file in new[] { "model.onnx", "config.json", "tokenizer_config.json" })
        {
            File.Copy(Path.Combine(TestPaths.TinyBertClsDirectory, file), Path.Combine(source, file));
        }

        var exception = Assert.Throws<FileNotFoundException>(() => EmbeddingModelFolder.CreateFrom(source, Path.Combine(temp.Path, "out")));

        Assert.Contains("vocab.txt", exception.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out")));
    }
}
