using InferenceApi.Core.Models;
using InferenceApi.Onnx.Proto;

namespace InferenceApi.Trainer.Tests.Cli;

/// <summary><c>export --quantize int8</c>, <c>eval --quantize int8</c> and <c>quantize</c>: int8 folders the server loads unchanged.</summary>
public sealed class Int8CliTests(TrainedCheckpoints checkpoints) : IClassFixture<TrainedCheckpoints>, IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Export_TextCheckpointAsInt8_WritesIntegerMatMulsThatTheServersRepositoryLoads()
    {
        var models = Path.Combine(temp.Path, "models");
        var metricsPath = Path.Combine(temp.Path, "export.json");

        TrainerCli.Succeeds("export", "--checkpoint", checkpoints.Text, "--out", Path.Combine(models, "reviews", "1"), "--quantize", "int8",
            "--data", checkpoints.TextEval, "--metrics", metricsPath);

        var served = await ServedModels.LoadAsync(models, "reviews");
        Assert.True(served.Status == ModelStatus.Ready, served.Reason);
        Assert.Equal(ModelTask.TextClassification, served.Description!.Task);
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(models, "reviews", "1", "model.onnx"))).Graph;
        // Two blocks of query, key, value, attention output, intermediate and output, and the classifier: 13 products.
        Assert.Equal(13, graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.DoesNotContain(graph.Node, n => n.OpType == "MatMul" && graph.Initializer.Any(i => i.Name == n.Input[1]));
        var parity = JsonFile.Read(metricsPath)["export"]!["parity"]!;
        Assert.InRange(parity["onnx_vs_torch"]!.GetValue<double>(), 1e-7, 0.05);
    }

    [Fact]
    public async Task Export_ImageCheckpointAsInt8_TheServersRepositoryLoadsIt()
    {
        var models = Path.Combine(temp.Path, "models");

        var result = TrainerCli.Succeeds("export", "--checkpoint", checkpoints.Image, "--out", Path.Combine(models, "digits", "1"), "--quantize", "int8",
            "--data", TrainedCheckpoints.Digits);

        Assert.StartsWith("exported ", result.Out, StringComparison.Ordinal);
        var served = await ServedModels.LoadAsync(models, "digits");
        Assert.True(served.Status == ModelStatus.Ready, served.Reason);
    }

    [Fact]
    public void Eval_WithQuantizeInt8_ReportsTheInt8GraphsAccuracyAndTheChange()
    {
        var metricsPath = Path.Combine(temp.Path, "eval.json");

        var result = TrainerCli.Succeeds("eval", "--checkpoint", checkpoints.Image, "--data", TrainedCheckpoints.Digits, "--quantize", "int8", "--metrics", metricsPath);

        Assert.Contains("int8: accuracy ", result.Out, StringComparison.Ordinal);
        Assert.Contains("accuracy change ", result.Out, StringComparison.Ordinal);
        var metrics = JsonFile.Read(metricsPath);
        var float32 = metrics["eval"]!["accuracy"]!.GetValue<double>();
        var int8 = metrics["int8"]!["accuracy"]!.GetValue<double>();
        Assert.Equal(1797, metrics["int8"]!["examples"]!.GetValue<int>());
        // A trained model's int8 graph agrees on nearly every digit; a broken quantization would not.
        Assert.InRange(int8 - float32, -0.02, 0.02);
    }

    [Fact]
    public async Task Quantize_ExportedTextFolderWithData_ScoresBothGraphsAndTheServersRepositoryLoadsTheCopy()
    {
        var models = Path.Combine(temp.Path, "models");
        TrainerCli.Succeeds("export", "--checkpoint", checkpoints.Text, "--out", Path.Combine(models, "reviews", "1"));
        var float32 = TrainerCli.Succeeds("eval", "--checkpoint", checkpoints.Text, "--data", checkpoints.TextEval);

        var result = TrainerCli.Succeeds("quantize", "--model", Path.Combine(models, "reviews", "1"), "--out", Path.Combine(models, "reviews", "2"), "--data", checkpoints.TextEval);

        Assert.Contains("parity int8 vs float32 max abs diff", result.Out, StringComparison.Ordinal);
        // The float32 graph under ONNX Runtime scores what TorchSharp scored.
        var accuracy = float32.Out.Split(' ')[2];
        Assert.Contains($"accuracy float32 {accuracy}", result.Out, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(models, "reviews", "1", "vocab.txt")), File.ReadAllBytes(Path.Combine(models, "reviews", "2", "vocab.txt")));
        var served = await ServedModels.LoadAsync(models, "reviews");
        Assert.True(served.Status == ModelStatus.Ready, served.Reason);
        Assert.Equal(2, served.Version);
    }

    [Fact]
    public void Quantize_TargetExists_RefusesAndWritesNothing()
    {
        var models = Path.Combine(temp.Path, "models");
        TrainerCli.Succeeds("export", "--checkpoint", checkpoints.Image, "--out", Path.Combine(models, "digits", "1"));

        TrainerCli.FailsWith("export folder already exists", "quantize", "--model", Path.Combine(models, "digits", "1"), "--out", Path.Combine(models, "digits", "1"));
    }

    [Fact]
    public void Export_UnknownQuantization_IsAUsageError()
    {
        var result = TrainerCli.FailsWith("--quantize must be none or int8; got 'int4'",
            "export", "--checkpoint", checkpoints.Image, "--out", Path.Combine(temp.Path, "models", "digits", "1"), "--quantize", "int4");

        Assert.Equal(2, result.ExitCode);
    }

    public void Dispose() => temp.Dispose();
}
