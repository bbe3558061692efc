using InferenceApi.Core.Backends;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tokenization;
using InferenceApi.Trainer.Data;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Trainer.Tests.Cli;

/// <summary><c>eval</c> and <c>export</c> with several <c>--checkpoint</c>s: text classifiers averaged as one ensemble.</summary>
public sealed class EnsembleCliTests(TrainedCheckpoints checkpoints) : IClassFixture<TrainedCheckpoints>, IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Export_TwoTextCheckpoints_ServesTheMeanOfTheMembersProbabilities()
    {
        var models = Path.Combine(temp.Path, "models");
        var metricsPath = Path.Combine(temp.Path, "export.json");
        TrainerCli.Succeeds("export", "--checkpoint", checkpoints.Text, "--out", Path.Combine(models, "first", "1"));
        TrainerCli.Succeeds("export", "--checkpoint", checkpoints.SecondText, "--out", Path.Combine(models, "second", "1"));

        var result = TrainerCli.Succeeds("export", "--checkpoint", checkpoints.Text, "--checkpoint", checkpoints.SecondText,
            "--out", Path.Combine(models, "both", "1"), "--data", checkpoints.TextEval, "--metrics", metricsPath);

        Assert.StartsWith("exported ", result.Out, StringComparison.Ordinal);
        var served = await ServedModels.LoadAsync(models, "both");
        Assert.True(served.Status == ModelStatus.Ready, served.Reason);
        Assert.Equal(ModelTask.TextClassification, served.Description!.Task);
        Assert.Equal(["negative", "positive"], served.Description.Labels);
        var config = JsonFile.Read(Path.Combine(models, "both", "1", "config.json"));
        Assert.Equal(2, config["_inference_api_ensemble"]!.AsArray().Count);
        var parity = JsonFile.Read(metricsPath)["export"]!["parity"]!;
        Assert.True(parity["onnx_vs_torch"]!.GetValue<double>() <= 1e-4);
        Assert.True(parity["padded_vs_unpadded"]!.GetValue<double>() <= 1e-4);
        Assert.Contains(" + ", JsonFile.Read(metricsPath)["checkpoint"]!.GetValue<string>(), StringComparison.Ordinal);

        // Independent of the exporter's own parity check: each member's own export, run on its own, averaged.
        string[] texts = ["the good movie", "a dull, awful film", "it 's \"fun\"", "the boring film , the great movie"];
        var first = Probabilities(Path.Combine(models, "first", "1"), texts);
        var second = Probabilities(Path.Combine(models, "second", "1"), texts);
        var both = Probabilities(Path.Combine(models, "both", "1"), texts);
        for (var i = 0; i < both.Length; i++)
        {
            Assert.Equal((first[i] + second[i]) / 2, both[i], 1e-5);
        }

        Assert.True(first.Zip(second).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "the two members should disagree somewhere, or the test proves nothing");
    }

    [Fact]
    public void Eval_TwoTextCheckpoints_ReportsWhatTheExportedEnsembleScores()
    {
        var metricsPath = Path.Combine(temp.Path, "eval.json");
        var folder = Path.Combine(temp.Path, "models", "both", "1");
        TrainerCli.Succeeds("export", "--checkpoint", checkpoints.Text, "--checkpoint", checkpoints.SecondText, "--out", folder);

        var result = TrainerCli.Succeeds("eval", "--checkpoint", checkpoints.Text, "--checkpoint", checkpoints.SecondText,
            "--data", checkpoints.TextEval, "--metrics", metricsPath);

        Assert.StartsWith("eval: accuracy ", result.Out, StringComparison.Ordinal);
        Assert.Contains($"{Path.GetFullPath(checkpoints.Text)} + {Path.GetFullPath(checkpoints.SecondText)}", result.Out, StringComparison.Ordinal);
        var eval = JsonFile.Read(metricsPath)["eval"]!;
        var rows = TinyText.Examples(16, seed: 2);
        var positive = Probabilities(folder, [.. rows.Select(r => r.Text)]);
        var truth = rows.Select(r => r.Label == "positive").ToArray();
        Assert.Equal(16, eval["examples"]!.GetValue<int>());
        Assert.Equal(positive.Zip(truth).Count(p => p.First > 0.5f == p.Second) / 16.0, eval["accuracy"]!.GetValue<double>(), 1e-9);
        Assert.Equal(positive.Zip(truth).Average(p => -Math.Log(p.Second ? p.First : 1 - p.First)), eval["loss"]!.GetValue<double>(), 1e-4);
    }

    [Fact]
    public void Export_TextAndImageCheckpoints_SaysMembersMustBeOneTask()
    {
        var target = Path.Combine(temp.Path, "models", "mixed", "1");

        TrainerCli.FailsWith("ensemble members must be one task", "export", "--checkpoint", checkpoints.Text, "--checkpoint", checkpoints.Image, "--out", target);

        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void Eval_TwoImageCheckpoints_SaysOnlyTextClassificationHasEnsembles()
    {
        TrainerCli.FailsWith("text-classification supports and image-classification does not", "eval",
            "--checkpoint", checkpoints.Image, "--checkpoint", checkpoints.Image, "--data", TrainedCheckpoints.Digits);
    }

    [Fact]
    public void Export_MembersWithDifferentVocabularies_SaysTheyMustReadTextAlike()
    {
        var target = Path.Combine(temp.Path, "models", "mismatched", "1");

        TrainerCli.FailsWith("ensemble members must read text and name labels alike", "export",
            "--checkpoint", checkpoints.Text, "--checkpoint", checkpoints.PrunedText, "--out", target);

        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void Export_EmbeddingsOfTwoCheckpoints_IsRefused()
    {
        var target = Path.Combine(temp.Path, "models", "vectors", "1");

        TrainerCli.FailsWith("--embeddings exports one checkpoint's encoder", "export",
            "--checkpoint", checkpoints.Text, "--checkpoint", checkpoints.SecondText, "--out", target, "--embeddings");

        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Train_PruneVocab_WritesASmallerVocabularyTheServerTokenizesWith()
    {
        var full = File.ReadAllLines(checkpoints.WideVocabulary);
        var pruned = File.ReadAllLines(Path.Combine(checkpoints.PrunedText, "vocab.txt"));
        var models = Path.Combine(temp.Path, "models");

        TrainerCli.Succeeds("export", "--checkpoint", checkpoints.PrunedText, "--out", Path.Combine(models, "pruned", "1"));

        Assert.Equal(full.Except(TrainedCheckpoints.UnusedTokens), pruned);
        Assert.Equal(pruned, File.ReadAllLines(Path.Combine(models, "pruned", "1", "vocab.txt")));
        var served = await ServedModels.LoadAsync(models, "pruned");
        Assert.True(served.Status == ModelStatus.Ready, served.Reason);
    }

    /// <summary>P(positive) for each text, from the folder's model.onnx on a right-padded batch tokenized by the folder's own tokenizer.</summary>
    private static float[] Probabilities(string folder, IReadOnlyList<string> texts)
    {
        var tokenizer = BertTokenizerLoader.Load(folder);
        var ids = texts.Select(t => tokenizer.Encode(t, 16, truncate: true).Ids).ToArray();
        var (padded, mask, shape) = TextClassificationDataset.Pad(ids, tokenizer.PadTokenId);
        using var session = new InferenceSession(Path.Combine(folder, "model.onnx"));
        using var idsValue = OrtValue.CreateTensorValueFromMemory(padded, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OptimumLayout.InputIds, OptimumLayout.AttentionMask], [idsValue, maskValue], [OptimumLayout.Logits]);
        var logits = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        return [.. Enumerable.Range(0, texts.Count).Select(i => 1 / (1 + MathF.Exp(logits[(2 * i) + 0] - logits[(2 * i) + 1])))];
    }

    public void Dispose() => temp.Dispose();
}
