using InferenceApi.Core.Models;

namespace InferenceApi.Trainer.Tests.Cli;

/// <summary><c>train text-generation</c>, <c>eval</c> and <c>export</c> of its checkpoints, at tiny sizes on slices of one novel.</summary>
public sealed class TextGenerationCliTests : IDisposable
{
    private static readonly string Persuasion = Path.Combine(TestPaths.DataDirectory, "austen", "persuasion.txt");
    private readonly TempDirectory temp = new();

    public TextGenerationCliTests()
    {
        Data = Path.Combine(temp.Path, "novels");
        Directory.CreateDirectory(Data);
        var lines = File.ReadAllLines(Persuasion);
        File.WriteAllLines(Path.Combine(Data, "a.txt"), lines[..1200]);
        File.WriteAllLines(Path.Combine(Data, "b.txt"), lines[1200..2400]);
        Eval = Path.Combine(Data, "held-out.txt");
        File.WriteAllLines(Eval, lines[2400..2800]);
    }

    private string Data { get; }

    private string Eval { get; }

    private string[] Tiny => ["--vocab-size", "400", "--hidden", "32", "--layers", "1", "--heads", "2", "--intermediate", "64", "--max-length", "32", "--batch-size", "16"];

    [Fact]
    public async Task Train_FolderWithTheEvalFileInIt_HoldsItOutLearnsAndExportsADecoderTheServerLoads()
    {
        var checkpoint = Path.Combine(temp.Path, "checkpoint");
        var metricsPath = Path.Combine(temp.Path, "metrics.json");
        var models = Path.Combine(temp.Path, "models");

        var result = TrainerCli.Succeeds(["train", "text-generation", "--data", Data, "--eval", Eval, .. Tiny, "--epochs", "3", "--lr", "3e-3",
            "--out", checkpoint, "--export", Path.Combine(models, "austen", "1"), "--metrics", metricsPath]);

        Assert.Contains("held out held-out.txt", result.Out, StringComparison.Ordinal);
        Assert.Contains("tokenizer: 400 tokens; 2 training files", result.Out, StringComparison.Ordinal);
        Assert.Contains("final: perplexity ", result.Out, StringComparison.Ordinal);
        Assert.Contains("padded vs alone", result.Out, StringComparison.Ordinal);
        Assert.Equal(["merges.txt", "model.bin", "trainer.json", "vocab.json"], Directory.GetFiles(checkpoint).Select(Path.GetFileName).Order());
        var metrics = JsonFile.Read(metricsPath);
        var losses = JsonFile.TrainLosses(metrics);
        Assert.True(losses[^1] < losses[0] - 0.5, $"train loss {losses[0]} -> {losses[^1]}");
        var perplexity = metrics["eval"]!["perplexity"]!.GetValue<double>();
        Assert.InRange(perplexity, 1, 400);
        Assert.Equal(Math.Exp(metrics["eval"]!["loss"]!.GetValue<double>()), perplexity, 6);
        Assert.Equal("text-generation", metrics["task"]!.GetValue<string>());

        var served = await ServedModels.LoadAsync(models, "austen");
        Assert.True(served.Status == ModelStatus.Ready, served.Reason);
        Assert.Equal(ModelTask.TextGeneration, served.Description!.Task);
    }

    [Fact]
    public void EvalAndExport_FromACheckpoint_GiveTheTrainingFiguresAndAPassingParity()
    {
        var checkpoint = Path.Combine(temp.Path, "checkpoint");
        var trainMetrics = Path.Combine(temp.Path, "train.json");
        TrainerCli.Succeeds(["train", "text-generation", "--data", Path.Combine(Data, "a.txt"), "--eval", Eval, .. Tiny, "--max-steps", "20",
            "--validation-split", "0", "--out", checkpoint, "--metrics", trainMetrics]);
        var evalMetrics = Path.Combine(temp.Path, "eval.json");

        TrainerCli.Succeeds("eval", "--checkpoint", checkpoint, "--data", Eval, "--metrics", evalMetrics);
        var exported = TrainerCli.Succeeds("export", "--checkpoint", checkpoint, "--out", Path.Combine(temp.Path, "exported", "1"), "--data", Eval);

        var expected = JsonFile.Read(trainMetrics)["eval"]!["perplexity"]!.GetValue<double>();
        Assert.Equal(expected, JsonFile.Read(evalMetrics)["eval"]!["perplexity"]!.GetValue<double>(), 4);
        Assert.Contains("onnx vs torch", exported.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(temp.Path, "exported", "1", "model.onnx")));
    }

    [Fact]
    public async Task Train_ArchitectureLlama_CountsParametersAndExportsAFloat32AndAFloat16DecoderTheServerLoads()
    {
        var checkpoint = Path.Combine(temp.Path, "llama");
        var models = Path.Combine(temp.Path, "models");

        var trained = TrainerCli.Succeeds(["train", "text-generation", "--data", Data, "--eval", Eval, .. Tiny, "--architecture", "llama", "--kv-heads", "1",
            "--max-steps", "20", "--out", checkpoint, "--export", Path.Combine(models, "llama", "1")]);
        var half = TrainerCli.Succeeds("export", "--checkpoint", checkpoint, "--out", Path.Combine(models, "llama-fp16", "1"), "--fp16", "--data", Eval);

        // 400×32 tied embedding; per layer 2×32 norms, q and o 32×32, k and v 32×16, gate/up/down 3×32×64; a final norm.
        Assert.Contains($"model: llama, {(400 * 32) + (2 * 32) + (2 * 32 * 32) + (2 * 32 * 16) + (3 * 32 * 64) + 32:N0} parameters", trained.Out, StringComparison.Ordinal);
        Assert.Contains("padded vs alone", half.Out, StringComparison.Ordinal);
        var config = HfModelConfig.Load(Path.Combine(models, "llama-fp16", "1", "config.json"));
        Assert.Equal(["LlamaForCausalLM"], config.Architectures);
        Assert.Equal((2, 1, 16), (config.AttentionHeads, config.KeyValueHeads, config.HeadDim));
        foreach (var name in new[] { "llama", "llama-fp16" })
        {
            var served = await ServedModels.LoadAsync(models, name);
            Assert.True(served.Status == ModelStatus.Ready, served.Reason);
        }
    }

    [Theory]
    [InlineData("--kv-heads applies to --architecture llama", "--kv-heads", "1")]
    [InlineData("--kv-heads 3 must divide --heads 2", "--architecture", "llama", "--kv-heads", "3")]
    [InlineData("'mamba' not recognized", "--architecture", "mamba")]
    public void Train_ArchitectureOptionsThatDoNotFit_AreRefused(string expected, params string[] options)
    {
        TrainerCli.FailsWith(expected, ["train", "text-generation", "--data", Path.Combine(Data, "a.txt"), .. Tiny, .. options, "--max-steps", "1"]);
    }

    [Fact]
    public void Export_Fp16OfAGptCheckpoint_SaysItIsForLlamaStyleDecoders()
    {
        var checkpoint = Path.Combine(temp.Path, "gpt");
        TrainerCli.Succeeds(["train", "text-generation", "--data", Path.Combine(Data, "a.txt"), .. Tiny, "--max-steps", "2", "--validation-split", "0", "--out", checkpoint]);

        TrainerCli.FailsWith("--fp16 exports a Llama-style decoder", "export", "--checkpoint", checkpoint, "--out", Path.Combine(temp.Path, "out"), "--fp16");

        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out")));
    }

    [Fact]
    public void Train_MissingText_NamesItAndWritesNothing()
    {
        TrainerCli.FailsWith("missing.txt", ["train", "text-generation", "--data", Path.Combine(temp.Path, "missing.txt"), .. Tiny,
            "--out", Path.Combine(temp.Path, "out")]);

        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out")));
    }

    [Fact]
    public void Train_TextShorterThanOneWindow_SaysSo()
    {
        var tiny = Path.Combine(temp.Path, "tiny.txt");
        File.WriteAllText(tiny, "Too short.");

        TrainerCli.FailsWith("fewer than one", ["train", "text-generation", "--data", tiny, .. Tiny, "--out", Path.Combine(temp.Path, "out")]);

        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out")));
    }

    [Fact]
    public void Train_TokenizerAndVocabSize_ExcludeEachOther()
    {
        TrainerCli.FailsWith("exclude each other", "train", "text-generation", "--data", Data, "--tokenizer", Path.Combine(TestPaths.DataDirectory, "tokenizers", "gpt2"),
            "--vocab-size", "500", "--max-steps", "1");
    }

    [Fact]
    public void Train_TokenizerFolderWithoutMerges_NamesTheFile()
    {
        var folder = Path.Combine(temp.Path, "broken-tokenizer");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(TestPaths.DataDirectory, "tokenizers", "gpt2", "vocab.json"), Path.Combine(folder, "vocab.json"));

        TrainerCli.FailsWith("merges.txt", "train", "text-generation", "--data", Path.Combine(Data, "a.txt"), "--tokenizer", folder, "--max-steps", "1");
    }

    public void Dispose() => temp.Dispose();
}
