namespace InferenceApi.Trainer.Tests.Cli;

public sealed class EvalCommandTests(TrainedCheckpoints checkpoints) : IClassFixture<TrainedCheckpoints>, IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void Eval_TextCheckpoint_MatchesTheEvalFigureOfTraining()
    {
        var metricsPath = Path.Combine(temp.Path, "eval.json");

        var result = TrainerCli.Succeeds("eval", "--checkpoint", checkpoints.Text, "--data", checkpoints.TextEval, "--metrics", metricsPath);

        Assert.StartsWith("eval: accuracy ", result.Out, StringComparison.Ordinal);
        var metrics = JsonFile.Read(metricsPath);
        var trained = JsonFile.Read(Path.Combine(checkpoints.Text, "trainer.json"))["metrics"]!;
        Assert.Equal(16, metrics["eval"]!["examples"]!.GetValue<int>());
        Assert.Equal(trained["eval"]!["accuracy"]!.GetValue<double>(), metrics["eval"]!["accuracy"]!.GetValue<double>());
        Assert.Equal(trained["eval"]!["loss"]!.GetValue<double>(), metrics["eval"]!["loss"]!.GetValue<double>(), 5);
    }

    [Fact]
    public void Eval_TextCheckpoint_ReadsATsvWithOtherColumnNamesWhenTold()
    {
        var data = TinyText.WriteTsv(temp.Path, "other.tsv", TinyText.Examples(10, seed: 3), textColumn: "sentence");

        var result = TrainerCli.Succeeds("eval", "--checkpoint", checkpoints.Text, "--data", data, "--text-column", "sentence");

        Assert.Contains("(10 examples of ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_ImageCheckpoint_DigitsCsv()
    {
        var result = TrainerCli.Succeeds("eval", "--checkpoint", checkpoints.Image, "--data", TrainedCheckpoints.Digits);

        Assert.Contains("(1797 examples of ", result.Out, StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();
}
