namespace InferenceApi.Trainer.Tests.Cli;

/// <summary>A text and an image checkpoint trained once through the CLI, for the eval and export tests.</summary>
public sealed class TrainedCheckpoints : IDisposable
{
    private readonly TempDirectory temp = new();

    public TrainedCheckpoints()
    {
        Vocabulary = TinyText.WriteVocabulary(temp.Path);
        TextEval = TinyText.WriteJsonl(temp.Path, "eval.jsonl", TinyText.Examples(16, seed: 2));
        Text = Path.Combine(temp.Path, "text-checkpoint");
        TrainerCli.Succeeds("train", "text-classification", "--data", TinyText.WriteCsv(temp.Path, "train.csv", TinyText.Examples(32)),
            "--eval", TextEval, "--vocab", Vocabulary, "--epochs", "3", "--batch-size", "8", "--lr", "3e-3", "--hidden", "16",
            "--intermediate", "32", "--max-length", "16", "--out", Text);
        SecondText = Path.Combine(temp.Path, "text-checkpoint-2");
        TrainerCli.Succeeds("train", "text-classification", "--data", TinyText.WriteCsv(temp.Path, "train.csv", TinyText.Examples(32)),
            "--eval", TextEval, "--vocab", Vocabulary, "--epochs", "3", "--batch-size", "8", "--lr", "3e-3", "--hidden", "16",
            "--intermediate", "32", "--max-length", "16", "--seed", "7", "--block-dropout", "0.2", "--label-smoothing", "0.1", "--conv-width", "3", "--out", SecondText);
        PrunedText = Path.Combine(temp.Path, "text-checkpoint-pruned");
        WideVocabulary = Path.Combine(temp.Path, "vocab-wide.txt");
        File.WriteAllLines(WideVocabulary, [.. File.ReadAllLines(Vocabulary), .. UnusedTokens, "plot"]);
        TrainerCli.Succeeds("train", "text-classification", "--data", TinyText.WriteCsv(temp.Path, "train-plot.csv", [.. TinyText.Examples(32), ("the plot", "negative")]),
            "--vocab", WideVocabulary, "--prune-vocab", "--epochs", "1", "--batch-size", "8", "--hidden", "16",
            "--intermediate", "32", "--max-length", "16", "--validation-split", "0", "--out", PrunedText);
        Image = Path.Combine(temp.Path, "image-checkpoint");
        TrainerCli.Succeeds("train", "image-classification", "--data", Digits, "--max-examples", "300", "--epochs", "3",
            "--batch-size", "32", "--out", Image);
    }

    public static string Digits => Path.Combine(TestPaths.DataDirectory, "digits", "digits.csv");

    public string Vocabulary { get; }

    public string TextEval { get; }

    /// <summary>Labels negative/positive, WordPiece with <see cref="Vocabulary"/>, trained from train.csv with an eval.jsonl.</summary>
    public string Text { get; }

    /// <summary>Like <see cref="Text"/>, another seed, with block dropout 0.2, label smoothing 0.1 and a 3-token convolution: an ensemble member.</summary>
    public string SecondText { get; }

    /// <summary>Tokens <see cref="WideVocabulary"/> has and <see cref="PrunedText"/>'s training data never uses.</summary>
    public static readonly string[] UnusedTokens = ["scene", "[unused0]"];

    /// <summary><see cref="Vocabulary"/> plus <see cref="UnusedTokens"/> and "plot".</summary>
    public string WideVocabulary { get; }

    /// <summary>
    /// Like <see cref="Text"/> for one epoch, plus one example with "plot", from <see cref="WideVocabulary"/> with
    /// <c>--prune-vocab</c>: its vocab.txt is <see cref="Vocabulary"/> plus "plot".
    /// </summary>
    public string PrunedText { get; }

    /// <summary>Digits 0-9 from 300 examples of the digits CSV.</summary>
    public string Image { get; }

    public void Dispose() => temp.Dispose();
}
