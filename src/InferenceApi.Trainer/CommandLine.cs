using System.Globalization;

namespace InferenceApi.Trainer;

/// <summary>The trainer's arguments: a two-word command, then <c>--name value</c> pairs.</summary>
internal sealed record CommandLine(string Command, string Data, int Epochs, int Seed, string? Out, string? Export)
{
    public static CommandLine Parse(string[] args)
    {
        if (args.Length < 2)
        {
            return new CommandLine(string.Join(' ', args), "", 0, 0, null, null);
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 2; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'; options are --name value");
            }

            values[args[i][2..]] = args[++i];
        }

        var known = new[] { "data", "epochs", "seed", "out", "export", "eval", "vocab", "max-examples", "mlm-steps", "lr", "dropout" };
        foreach (var name in values.Keys.Where(k => !known.Contains(k)))
        {
            throw new ArgumentException($"unknown option --{name}; known: --{string.Join(", --", known)}");
        }

        return new CommandLine(
            $"{args[0]} {args[1]}",
            values.GetValueOrDefault("data") ?? throw new ArgumentException("--data is required"),
            Int(values, "epochs", 30),
            Int(values, "seed", 42),
            values.GetValueOrDefault("out"),
            values.GetValueOrDefault("export"))
        {
            Eval = values.GetValueOrDefault("eval"),
            Vocab = values.GetValueOrDefault("vocab"),
            MaxExamples = values.ContainsKey("max-examples") ? Int(values, "max-examples", 0) : null,
            MlmSteps = Int(values, "mlm-steps", 0),
            LearningRate = values.TryGetValue("lr", out var lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : 1e-3,
            Dropout = values.TryGetValue("dropout", out var dropout) ? double.Parse(dropout, CultureInfo.InvariantCulture) : 0.1,
        };
    }

    /// <summary>text-classification: the evaluation file (the model is never selected on it).</summary>
    public string? Eval { get; init; }

    /// <summary>text-classification: the WordPiece vocab.txt the model is built on and exports.</summary>
    public string? Vocab { get; init; }

    /// <summary>text-classification: masked-language-model pre-training steps on the training text before fine-tuning.</summary>
    public int MlmSteps { get; init; }

    public double LearningRate { get; init; } = 1e-3;

    public double Dropout { get; init; } = 0.1;

    /// <summary>text-classification: train on a seeded random subset of this many examples.</summary>
    public int? MaxExamples { get; init; }

    private static int Int(Dictionary<string, string> values, string name, int fallback) =>
        !values.TryGetValue(name, out var text) ? fallback
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value
        : throw new ArgumentException($"--{name} must be a non-negative integer, got '{text}'");
}
