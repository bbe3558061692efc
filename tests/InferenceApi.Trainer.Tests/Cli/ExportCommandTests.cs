using InferenceApi.Core.Models;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Trainer.Tests.Cli;

public sealed class ExportCommandTests(TrainedCheckpoints checkpoints) : IClassFixture<TrainedCheckpoints>, IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Export_TextCheckpoint_TheServerLoadsItWithItsLabelsAndTokenizer()
    {
        var models = Path.Combine(temp.Path, "models");
        var metricsPath = Path.Combine(temp.Path, "export.json");

        var result = TrainerCli.Succeeds("export", "--checkpoint", checkpoints.Text, "--out", Path.Combine(models, "reviews", "1"), "--metrics", metricsPath);

        Assert.StartsWith("exported ", result.Out, StringComparison.Ordinal);
        var served = await ServedModels.LoadAsync(models, "reviews");
        Assert.True(served.Status == ModelStatus.Ready, served.Reason);
        Assert.Equal(ModelTask.TextClassification, served.Description!.Task);
        Assert.Equal(["negative", "positive"], served.Description.Labels);
        Assert.Equal(16, served.Description.MaxSequenceLength);
        Assert.Equal(File.ReadAllBytes(checkpoints.Vocabulary), File.ReadAllBytes(Path.Combine(models, "reviews", "1", "vocab.txt")));
        Assert.True(BertTokenizerLoader.Load(Path.Combine(models, "reviews", "1")).Options.DoLowerCase);
        var parity = JsonFile.Read(metricsPath)["export"]!["parity"]!;
        Assert.True(parity["onnx_vs_torch"]!.GetValue<double>() <= 1e-4);
        Assert.True(parity["padded_vs_unpadded"]!.GetValue<double>() <= 1e-4);
    }

    [Fact]
    public async Task Export_TextCheckpointWithEmbeddings_TheServerLoadsTheEncoderForEmbeddings()
    {
        var models = Path.Combine(temp.Path, "models");

        var result = TrainerCli.Succeeds("export", "--checkpoint", checkpoints.Text, "--out", Path.Combine(models, "review-vectors", "1"),
            "--embeddings", "--data", checkpoints.TextEval);

        Assert.Contains("padded vs unpadded", result.Out, StringComparison.Ordinal);
        var served = await ServedModels.LoadAsync(models, "review-vectors");
        Assert.True(served.Status == ModelStatus.Ready, served.Reason);
        Assert.Equal(ModelTask.FeatureExtraction, served.Description!.Task);
        Assert.Empty(served.Description.Labels);
        var config = JsonFile.Read(Path.Combine(models, "review-vectors", "1", "config.json"));
        Assert.Equal("BertModel", config["architectures"]![0]!.GetValue<string>());
        Assert.Null(config["id2label"]);
    }

    [Fact]
    public void Export_ImageCheckpointWithEmbeddings_SaysOnlyTextClassifiersHaveAnEncoder()
    {
        var target = Path.Combine(temp.Path, "models", "digits", "1");

        TrainerCli.FailsWith("--embeddings exports a text classifier's encoder", "export", "--checkpoint", checkpoints.Image, "--out", target, "--embeddings");

        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Export_ImageCheckpointWithDataSamples_TheServerLoadsIt()
    {
        var models = Path.Combine(temp.Path, "models");

        TrainerCli.Succeeds("export", "--checkpoint", checkpoints.Image, "--out", Path.Combine(models, "digits", "7"), "--data", TrainedCheckpoints.Digits);

        var served = await ServedModels.LoadAsync(models, "digits");
        Assert.True(served.Status == ModelStatus.Ready, served.Reason);
        Assert.Equal(7, served.Version);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], served.Description!.Labels);
    }

    [Fact]
    public void Export_TargetExists_RefusesAndLeavesTheFolderAsItWas()
    {
        var target = Directory.CreateDirectory(Path.Combine(temp.Path, "models", "reviews", "1")).FullName;
        File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");

        TrainerCli.FailsWith("export folder already exists", "export", "--checkpoint", checkpoints.Text, "--out", target);

        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(target).Select(Path.GetFileName));
        Assert.Single(Directory.GetFileSystemEntries(Path.Combine(temp.Path, "models", "reviews")));
    }

    [Fact]
    public void Export_NotACheckpoint_SaysWhatIsMissing()
    {
        var folder = Directory.CreateDirectory(Path.Combine(temp.Path, "empty")).FullName;

        TrainerCli.FailsWith("trainer.json is missing", "export", "--checkpoint", folder, "--out", Path.Combine(temp.Path, "models", "x", "1"));

        Assert.False(Directory.Exists(Path.Combine(temp.Path, "models", "x")));
    }

    public void Dispose() => temp.Dispose();
}
