namespace InferenceApi.Trainer.Tests.Cli;

public sealed class MaskedPretrainingCliTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void TrainTextClassification_WithMlmSteps_PretrainsWithFallingLossThenFineTunes()
    {
        var vocabulary = TinyText.WriteVocabulary(temp.Path);
        var data = TinyText.WriteCsv(temp.Path, "train.csv", TinyText.Examples(48));

        var result = TrainerCli.Succeeds("train", "text-classification", "--data", data, "--vocab", vocabulary, "--mlm-steps", "200",
            "--epochs", "2", "--batch-size", "8", "--hidden", "16", "--intermediate", "32", "--max-length", "16", "--validation-split", "0");

        var losses = result.Out.Split('\n').Where(l => l.StartsWith("mlm step ", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split("loss ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(5, losses.Count);
        Assert.True(losses[^1] < losses[0] * 0.8, $"mlm loss {losses[0]} -> {losses[^1]}");
        Assert.Contains("final: ", result.Out, StringComparison.Ordinal);
        Assert.True(result.Out.IndexOf("mlm step 200/200", StringComparison.Ordinal) < result.Out.IndexOf("epoch 1/2", StringComparison.Ordinal));
    }

    [Fact]
    public void TrainTextClassification_MlmStepsWithInitFrom_IsRefused()
    {
        var vocabulary = TinyText.WriteVocabulary(temp.Path);
        var data = TinyText.WriteCsv(temp.Path, "train.csv", TinyText.Examples(16));
        var checkpoint = Path.Combine(temp.Path, "checkpoint");
        TrainerCli.Succeeds("train", "text-classification", "--data", data, "--vocab", vocabulary, "--epochs", "1", "--hidden", "16",
            "--intermediate", "32", "--max-length", "16", "--validation-split", "0", "--out", checkpoint);

        TrainerCli.FailsWith("--mlm-steps cannot be combined with --init-from", "train", "text-classification", "--data", data,
            "--init-from", checkpoint, "--mlm-steps", "10", "--validation-split", "0");
    }

    public void Dispose() => temp.Dispose();
}
