namespace InferenceApi.Trainer.Tests.Cli;

/// <summary>
/// Every refusal is one "error: …" line on stderr with a non-zero exit, and neither the checkpoint nor the export
/// folder (nor a temporary one) is left behind.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public BadInputTests()
    {
        Vocabulary = TinyText.WriteVocabulary(temp.Path);
        Csv = TinyText.WriteCsv(temp.Path, "train.csv", TinyText.Examples(12));
    }

    private string Vocabulary { get; }

    private string Csv { get; }

    private string Checkpoint => Path.Combine(temp.Path, "out", "checkpoint");

    private string Export => Path.Combine(temp.Path, "out", "models", "m", "1");

    [Fact]
    public void Train_MissingDataFile_NamesIt()
    {
        var missing = Path.Combine(temp.Path, "nope.csv");

        var result = TrainText("data file not found: " + missing, "--data", missing);

        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void Train_MissingColumn_NamesTheColumnTheFileAndItsColumns()
    {
        TrainText($"{Csv}:1: no column 'sentence' (--text-column); the columns are: id, text, label", "--data", Csv, "--text-column", "sentence");
    }

    [Fact]
    public void Train_UnknownLabel_NamesTheLineAndTheLabels()
    {
        TrainText($"{Csv}:2: unknown label 'positive'; expected one of yes, no or an index 0-1", "--data", Csv, "--labels", "yes,no");
    }

    [Fact]
    public void Train_MissingLabel_NamesTheLine()
    {
        var data = Path.Combine(temp.Path, "gap.jsonl");
        File.WriteAllLines(data, ["{\"text\": \"good\", \"label\": \"positive\"}", "{\"text\": \"bad\"}"]);

        TrainText($"{data}:2: no \"label\" field (--label-column)", "--data", data);
    }

    [Fact]
    public void Train_StrayQuoteInCsv_NamesTheLine()
    {
        var data = Path.Combine(temp.Path, "quote.csv");
        File.WriteAllText(data, "text,label\ngood,positive\nbad \"movie,negative\n");

        TrainText($"{data}:3: a quote inside an unquoted field", "--data", data);
    }

    [Fact]
    public void Train_UnknownExtension_AsksForFormat()
    {
        var data = Path.Combine(temp.Path, "train.data");
        File.Copy(Csv, data);

        TrainText("pass --format csv|tsv|jsonl", "--data", data);
    }

    [Fact]
    public void Train_WithoutVocabulary_SaysItIsRequired()
    {
        var result = TrainerCli.FailsWith("--vocab is required", "train", "text-classification", "--data", Csv, "--out", Checkpoint);

        Assert.Equal(2, result.ExitCode);
        AssertNothingWritten();
    }

    [Fact]
    public void Train_UnreadableImage_NamesTheFile()
    {
        var images = TinyImages.WriteFolder(temp.Path, perClass: 4);
        var broken = Path.Combine(images, "dark", "broken.png");
        File.WriteAllBytes(broken, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);

        TrainerCli.FailsWith(broken + ": ", "train", "image-classification", "--data", images, "--out", Checkpoint, "--export", Export);

        AssertNothingWritten();
    }

    [Fact]
    public void Train_OneClassFolder_SaysTwoAreNeeded()
    {
        var root = Directory.CreateDirectory(Path.Combine(temp.Path, "single", "only")).Parent!.FullName;

        TrainerCli.FailsWith("at least two", "train", "image-classification", "--data", root, "--out", Checkpoint);
    }

    [Theory]
    [InlineData("'linear'", "--lr-schedule", "linear")]
    [InlineData("--lr-floor must be a fraction in [0, 1]; got 1.5", "--lr-schedule", "cosine", "--lr-floor", "1.5")]
    public void Train_BadLearningRateSchedule_NamesTheOption(string expected, params string[] args)
    {
        var images = TinyImages.WriteFolder(temp.Path, perClass: 4);

        var result = TrainerCli.FailsWith(expected, ["train", "image-classification", "--data", images, .. args, "--out", Checkpoint, "--export", Export]);

        Assert.Equal(2, result.ExitCode);
        AssertNothingWritten();
    }

    [Theory]
    [InlineData("--epochs", "abc", "'abc'")]
    [InlineData("--epochs", "0", "--epochs must be at least 1; got 0")]
    [InlineData("--validation-split", "1.5", "--validation-split must be a fraction in [0, 1); got 1.5")]
    [InlineData("--time-limit", "soon", "--time-limit must be a positive duration like 90s")]
    [InlineData("--lr", "-1", "--lr must be above 0")]
    [InlineData("--select-on", "best", "'best'")]
    [InlineData("--label-smoothing", "1", "--label-smoothing must be in [0, 1); got 1")]
    [InlineData("--block-dropout", "-0.1", "--block-dropout must be in [0, 1); got -0.1")]
    [InlineData("--conv-width", "4", "--conv-width must be odd (or 0 for none); got 4")]
    public void Train_BadArgumentValue_ExitsWithUsageError(string option, string value, string expected)
    {
        var result = TrainText(expected, "--data", Csv, option, value);

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void Train_TextGenerationWithLabelSmoothing_SaysItIsForClassifiers()
    {
        var text = Path.Combine(temp.Path, "story.txt");
        File.WriteAllText(text, string.Concat(Enumerable.Repeat("It was a fine day, and the story went on. ", 40)));

        TrainerCli.FailsWith("--label-smoothing applies to the classifiers", "train", "text-generation", "--data", text, "--vocab-size", "300",
            "--label-smoothing", "0.1", "--out", Checkpoint, "--export", Export);

        AssertNothingWritten();
    }

    [Fact]
    public void Train_PatienceWithoutValidation_SaysWhatItNeeds()
    {
        TrainText("--patience needs a metric to watch", "--data", Csv, "--validation-split", "0", "--patience", "2");
    }

    [Fact]
    public void Train_ExportTargetExists_RefusesBeforeTraining()
    {
        Directory.CreateDirectory(Export);

        var result = TrainText("export folder already exists: " + Export, "--data", Csv);

        Assert.DoesNotContain("epoch", result.Out, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Checkpoint));
        Assert.Empty(Directory.GetFileSystemEntries(Export));
    }

    [Fact]
    public void Train_InitFromWithAnArchitectureOption_SaysTheCheckpointFixesIt()
    {
        var first = Path.Combine(temp.Path, "first");
        TrainerCli.Succeeds("train", "text-classification", "--data", Csv, "--vocab", Vocabulary, "--epochs", "1", "--hidden", "8",
            "--heads", "2", "--intermediate", "16", "--out", first);

        TrainerCli.FailsWith("--hidden cannot be combined with --init-from", "train", "text-classification", "--data", Csv,
            "--init-from", first, "--hidden", "32", "--out", Checkpoint);
    }

    [Fact]
    public void Train_InitFromAnotherTasksCheckpoint_Refuses()
    {
        var image = Path.Combine(temp.Path, "image");
        TrainerCli.Succeeds("train", "image-classification", "--data", Path.Combine(TestPaths.DataDirectory, "digits", "digits.csv"),
            "--max-examples", "100", "--epochs", "1", "--out", image);

        TrainText("holds a image-classification model", "--data", Csv, "--init-from", image);
    }

    [Fact]
    public void Eval_MissingCheckpoint_NamesIt()
    {
        var missing = Path.Combine(temp.Path, "none");

        TrainerCli.FailsWith("checkpoint folder not found: " + missing, "eval", "--checkpoint", missing, "--data", Csv);
    }

    [Theory]
    [InlineData]
    [InlineData("train")]
    [InlineData("train", "text-generation-of-poems")]
    [InlineData("train", "text-classification", "--data")]
    [InlineData("train", "text-classification", "--data", "x.csv", "--no-such-option")]
    public void Parse_BadCommandLine_ExitsTwoWithErrorLines(params string[] args)
    {
        var result = TrainerCli.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.NotEmpty(result.ErrorLines);
        Assert.All(result.ErrorLines, line => Assert.StartsWith("error: ", line, StringComparison.Ordinal));
    }

    public void Dispose() => temp.Dispose();

    /// <summary>Trains text with --vocab, --out and --export and expects the refusal.</summary>
    private CliResult TrainText(string expected, params string[] args)
    {
        var result = TrainerCli.FailsWith(expected, ["train", "text-classification", "--vocab", Vocabulary,
            "--out", Checkpoint, "--export", Export, .. args]);
        AssertNothingWritten();
        return result;
    }

    private void AssertNothingWritten()
    {
        Assert.False(Directory.Exists(Checkpoint), "a checkpoint folder was written");
        Assert.False(File.Exists(Path.Combine(Export, "model.onnx")), "a model was exported");
        var leftovers = Directory.Exists(Path.Combine(temp.Path, "out"))
            ? Directory.GetDirectories(Path.Combine(temp.Path, "out"), "*.tmp-*", SearchOption.AllDirectories)
            : [];
        Assert.Empty(leftovers);
    }
}
