using InferenceApi.Core.Models;
using InferenceApi.Trainer.Data;

namespace InferenceApi.Trainer.Tests.Cli;

public sealed class TrainCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    private string Digits => Path.Combine(TestPaths.DataDirectory, "digits", "digits.csv");

    [Fact]
    public void TrainTextClassification_QuotedCsv_LossFallsAndWritesCheckpointAndMetrics()
    {
        var vocabulary = TinyText.WriteVocabulary(temp.Path);
        var data = TinyText.WriteCsv(temp.Path, "train.csv", TinyText.Examples(48));
        var eval = TinyText.WriteJsonl(temp.Path, "eval.jsonl", TinyText.Examples(16, seed: 2));
        var checkpoint = Path.Combine(temp.Path, "checkpoint");
        var metricsPath = Path.Combine(temp.Path, "metrics.json");

        var result = TrainerCli.Succeeds("train", "text-classification", "--data", data, "--eval", eval, "--vocab", vocabulary,
            "--epochs", "8", "--batch-size", "8", "--lr", "3e-3", "--validation-split", "0.25", "--hidden", "32", "--intermediate", "64",
            "--max-length", "16", "--out", checkpoint, "--metrics", metricsPath);

        Assert.Contains("final: accuracy ", result.Out, StringComparison.Ordinal);
        Assert.Contains("epoch 8/8", result.Out, StringComparison.Ordinal);
        Assert.Equal(["model.bin", "trainer.json", "vocab.txt"], Directory.GetFiles(checkpoint).Select(Path.GetFileName).Order());
        var metrics = JsonFile.Read(metricsPath);
        var losses = JsonFile.TrainLosses(metrics);
        Assert.True(losses[^1] < losses[0] * 0.7, $"train loss {losses[0]} -> {losses[^1]}");
        Assert.Equal("text-classification", metrics["task"]!.GetValue<string>());
        Assert.Equal(48, metrics["data"]!["examples"]!.GetValue<int>());
        Assert.Equal(36, metrics["data"]!["train_examples"]!.GetValue<int>());
        Assert.Equal(12, metrics["validation"]!["examples"]!.GetValue<int>());
        Assert.Equal(16, metrics["eval"]!["examples"]!.GetValue<int>());
        Assert.Equal(["negative", "positive"], JsonFile.Strings(metrics["data"]!["labels"]));
        Assert.Equal("completed", metrics["stop_reason"]!.GetValue<string>());
        Assert.Equal(8, metrics["epochs_run"]!.GetValue<int>());
        Assert.InRange(metrics["best_epoch"]!.GetValue<int>(), 1, 8);
        Assert.Equal(42, metrics["seed"]!.GetValue<int>());
        var manifest = JsonFile.Read(Path.Combine(checkpoint, "trainer.json"));
        Assert.Equal("text-classification", manifest["task"]!.GetValue<string>());
        Assert.Equal(["negative", "positive"], JsonFile.Strings(manifest["model"]!["labels"]));
        Assert.Equal(metrics["validation"]!["accuracy"]!.GetValue<double>(), manifest["metrics"]!["validation"]!["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public async Task TrainImageClassification_ImageFolder_ExportsRealLabelNamesTheServerLoads()
    {
        var images = TinyImages.WriteFolder(temp.Path, perClass: 16);
        var models = Path.Combine(temp.Path, "models");
        var metricsPath = Path.Combine(temp.Path, "metrics.json");

        var result = TrainerCli.Succeeds("train", "image-classification", "--data", images, "--epochs", "10", "--batch-size", "8",
            "--validation-split", "0.25", "--out", Path.Combine(temp.Path, "checkpoint"), "--export", Path.Combine(models, "shades", "1"),
            "--metrics", metricsPath);

        Assert.Contains("exported ", result.Out, StringComparison.Ordinal);
        var metrics = JsonFile.Read(metricsPath);
        var losses = JsonFile.TrainLosses(metrics);
        Assert.True(losses[^1] < losses[0], $"train loss {losses[0]} -> {losses[^1]}");
        Assert.Equal("image-folder", metrics["data"]!["format"]!.GetValue<string>());
        Assert.Equal(32, metrics["data"]!["examples"]!.GetValue<int>());
        Assert.True(metrics["export"]!["parity"]!["onnx_vs_torch"]!.GetValue<double>() <= 1e-4);
        var config = HfModelConfig.Load(Path.Combine(models, "shades", "1", "config.json"));
        Assert.Equal(["dark", "light"], config.Labels);
        var served = await ServedModels.LoadAsync(models, "shades");
        Assert.True(served.Status == ModelStatus.Ready, served.Reason);
        Assert.Equal(ModelTask.ImageClassification, served.Description!.Task);
        Assert.Equal(["dark", "light"], served.Description.Labels);
    }

    [Fact]
    public void TrainImageClassification_ExtraTrainFolder_JoinsTheTrainingExamplesOnlyUnderACosineSchedule()
    {
        var typed = Path.Combine(temp.Path, "typed");
        DigitRenderer.RenderFolder(typed, ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"], [28], [InkPolarity.DarkOnLight, InkPolarity.LightOnDark]);
        var metricsPath = Path.Combine(temp.Path, "metrics.json");

        var result = TrainerCli.Succeeds("train", "image-classification", "--data", Digits, "--max-examples", "100", "--epochs", "2",
            "--batch-size", "32", "--validation-split", "0.2", "--extra-train", typed, "--lr-schedule", "cosine", "--lr-floor", "0",
            "--metrics", metricsPath);

        Assert.Contains("--extra-train: 20 images from ", result.Out, StringComparison.Ordinal);
        var metrics = JsonFile.Read(metricsPath);
        Assert.Equal(100, metrics["data"]!["examples"]!.GetValue<int>());
        var validation = metrics["validation"]!["examples"]!.GetValue<int>();
        Assert.InRange(validation, 18, 22);
        Assert.Equal(100 - validation + 20, metrics["data"]!["train_examples"]!.GetValue<int>());
        Assert.Equal(2 * 4, metrics["steps"]!.GetValue<int>());
    }

    [Fact]
    public void TrainImageClassification_MaxSteps_StopsThereAndSaysSo()
    {
        var metricsPath = Path.Combine(temp.Path, "metrics.json");

        var result = TrainerCli.Succeeds("train", "image-classification", "--data", Digits, "--max-examples", "200", "--epochs", "50",
            "--batch-size", "32", "--max-steps", "5", "--metrics", metricsPath);

        Assert.Contains("max-steps", result.Out, StringComparison.Ordinal);
        var metrics = JsonFile.Read(metricsPath);
        Assert.Equal("max-steps", metrics["stop_reason"]!.GetValue<string>());
        Assert.Equal(5, metrics["steps"]!.GetValue<int>());
        Assert.Equal(1, metrics["epochs_run"]!.GetValue<int>());
    }

    [Fact]
    public void TrainImageClassification_NoImprovement_StopsAfterPatienceAndKeepsTheBestEpoch()
    {
        var metricsPath = Path.Combine(temp.Path, "metrics.json");

        // A learning rate this small leaves the validation accuracy where it was, so no epoch beats the first.
        TrainerCli.Succeeds("train", "image-classification", "--data", Digits, "--max-examples", "200", "--epochs", "20",
            "--batch-size", "64", "--lr", "1e-12", "--patience", "2", "--metrics", metricsPath);

        var metrics = JsonFile.Read(metricsPath);
        Assert.Equal("early-stopping", metrics["stop_reason"]!.GetValue<string>());
        Assert.Equal(3, metrics["epochs_run"]!.GetValue<int>());
        Assert.Equal(1, metrics["best_epoch"]!.GetValue<int>());
        Assert.Equal("validation", metrics["settings"]!["select_on"]!.GetValue<string>());
    }

    [Fact]
    public void TrainImageClassification_TimeLimit_StopsAfterTheFirstStepPastIt()
    {
        var metricsPath = Path.Combine(temp.Path, "metrics.json");

        TrainerCli.Succeeds("train", "image-classification", "--data", Digits, "--max-examples", "200", "--epochs", "50",
            "--batch-size", "8", "--time-limit", "1ms", "--metrics", metricsPath);

        var metrics = JsonFile.Read(metricsPath);
        Assert.Equal("time-limit", metrics["stop_reason"]!.GetValue<string>());
        Assert.Equal(1, metrics["epochs_run"]!.GetValue<int>());
        Assert.InRange(metrics["steps"]!.GetValue<int>(), 1, 19);
        Assert.Equal(0.001, metrics["settings"]!["time_limit_seconds"]!.GetValue<double>());
    }

    [Fact]
    public void TrainTextClassification_InitFromWithOtherLabels_FineTunesWithAFreshHead()
    {
        var vocabulary = TinyText.WriteVocabulary(temp.Path);
        var first = Path.Combine(temp.Path, "first");
        TrainerCli.Succeeds("train", "text-classification", "--data", TinyText.WriteTsv(temp.Path, "train.tsv", TinyText.Examples(24)),
            "--vocab", vocabulary, "--epochs", "2", "--batch-size", "8", "--hidden", "16", "--intermediate", "32", "--out", first);
        var relabelled = TinyText.Examples(24).Select(e => (e.Text, e.Label == "positive" ? "up" : "down")).ToList();
        var second = Path.Combine(temp.Path, "second");

        var data = TinyText.WriteJsonl(temp.Path, "relabelled.jsonl", relabelled);
        TrainerCli.FailsWith("relabelled.jsonl:1: unknown label 'up'; expected one of negative, positive or an index 0-1 (the --init-from checkpoint's labels; pass --labels",
            "train", "text-classification", "--data", data, "--init-from", first);

        var result = TrainerCli.Succeeds("train", "text-classification", "--data", data, "--labels", "down,up",
            "--init-from", first, "--epochs", "1", "--batch-size", "8", "--out", second);

        Assert.Contains("a fresh classifier head: Classifier.weight, Classifier.bias", result.Out, StringComparison.Ordinal);
        var manifest = JsonFile.Read(Path.Combine(second, "trainer.json"));
        Assert.Equal(["down", "up"], JsonFile.Strings(manifest["model"]!["labels"]));
        Assert.Equal(16, manifest["model"]!["architecture"]!["hidden_size"]!.GetValue<int>());
        Assert.Equal(Path.GetFullPath(first), manifest["metrics"]!["settings"]!["init_from"]!.GetValue<string>());
    }

    [Fact]
    public void TrainImageClassification_InteractiveConsole_DrawsTheBarAndStillPrintsEpochAndFinalLines()
    {
        var result = TrainerCli.Run(interactive: true, "train", "image-classification", "--data", Digits, "--max-examples", "100",
            "--epochs", "2", "--batch-size", "16");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("100%", result.Out, StringComparison.Ordinal);
        Assert.Contains("epoch 2/2  train loss", result.Out, StringComparison.Ordinal);
        Assert.Contains("final: accuracy ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_TrainTextClassification_ListsTheCommonAndTaskOptions()
    {
        var result = TrainerCli.Succeeds("train", "text-classification", "--help");

        foreach (var option in new[] { "--seed", "--epochs", "--batch-size", "--lr", "--validation-split", "--eval", "--patience", "--init-from",
            "--max-steps", "--time-limit", "--metrics", "--out", "--export", "--vocab", "--labels", "--text-column", "--label-column", "--format",
            "--hidden", "--layers", "--heads", "--intermediate", "--max-length" })
        {
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
        }
    }

    public void Dispose() => temp.Dispose();
}
