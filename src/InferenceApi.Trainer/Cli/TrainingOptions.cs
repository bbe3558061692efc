using System.CommandLine;
using System.Globalization;
using InferenceApi.Trainer.Tasks;
using InferenceApi.Trainer.Training;

namespace InferenceApi.Trainer.Cli;

/// <summary>
/// The options every <c>train TASK</c> shares, with that task's defaults, and their binding into validated
/// <see cref="TrainingSettings"/> (a bad value or combination is a <see cref="UsageException"/> naming the option).
/// </summary>
public sealed class TrainingOptions
{
    public TrainingOptions(TaskDefaults defaults)
    {
        Epochs = new("--epochs") { Description = "Passes over the training data", DefaultValueFactory = _ => defaults.Epochs };
        BatchSize = new("--batch-size") { Description = "Examples per optimizer step", DefaultValueFactory = _ => defaults.BatchSize };
        LearningRate = new("--lr") { Description = "AdamW learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        ValidationSplit = new("--validation-split")
        {
            Description = "Fraction of the training data held out for validation (stratified by label, seeded); 0 for none",
            DefaultValueFactory = _ => defaults.ValidationSplit,
        };
    }

    public Option<string> Data { get; } = new("--data") { Description = "Training data file or folder", Required = true };

    public Option<string?> Eval { get; } = new("--eval") { Description = "Separate evaluation file, reported every epoch (picks the checkpoint only with --select-on eval)" };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seeds weights, split, order and sampling", DefaultValueFactory = _ => 42 };

    public Option<int> Epochs { get; }

    public Option<int> BatchSize { get; }

    public Option<double> LearningRate { get; }

    public Option<double> WeightDecay { get; } = new("--weight-decay") { Description = "AdamW weight decay", DefaultValueFactory = _ => 0.01 };

    public Option<double> LabelSmoothing { get; } = new("--label-smoothing")
    {
        Description = "Classifiers: share of a uniform target mixed into each training label, in [0, 1)",
        DefaultValueFactory = _ => 0,
    };

    public Option<double> ValidationSplit { get; }

    public Option<string?> SelectOn { get; } = SelectOnOption();

    public Option<int?> Patience { get; } = new("--patience") { Description = "Stop after N epochs without a better selection metric" };

    public Option<int?> MaxExamples { get; } = new("--max-examples") { Description = "Train on a seeded random sample of N examples (before the split)" };

    public Option<int?> MaxSteps { get; } = new("--max-steps") { Description = "Stop after N optimizer steps in all" };

    public Option<string?> TimeLimit { get; } = new("--time-limit") { Description = "Stop after this long, then evaluate and keep the best epoch (90s, 5m, 1h30m, 00:05:00)" };

    public Option<string?> InitFrom { get; } = new("--init-from") { Description = "Checkpoint folder to fine-tune (its architecture, tokenizer and labels)" };

    public Option<string?> Out { get; } = new("--out") { Description = "Checkpoint folder to write (model.bin, trainer.json, tokenizer files); must not exist" };

    public Option<string?> Export { get; } = new("--export") { Description = "Also export the kept weights as an ONNX model folder, e.g. models/NAME/VERSION; must not exist" };

    public Option<double> ParityTolerance { get; } = SharedOptions.Tolerance();

    public Option<string?> Metrics { get; } = SharedOptions.Metrics();

    public Option<int> Threads { get; } = SharedOptions.Threads();

    public IEnumerable<Option> All =>
    [
        Data, Eval, Seed, Epochs, BatchSize, LearningRate, WeightDecay, LabelSmoothing, ValidationSplit, SelectOn, Patience,
        MaxExamples, MaxSteps, TimeLimit, InitFrom, Out, Export, ParityTolerance, Metrics, Threads,
    ];

    public TrainingSettings Bind(ParseResult parse)
    {
        var split = parse.GetValue(ValidationSplit);
        if (split is < 0 or >= 1 || double.IsNaN(split))
        {
            throw new UsageException($"--validation-split must be a fraction in [0, 1); got {split.ToString(CultureInfo.InvariantCulture)}");
        }

        var eval = parse.GetValue(Eval);
        var selection = parse.GetValue(SelectOn) is { } chosen
            ? Enum.Parse<CheckpointSelection>(chosen, ignoreCase: true)
            : split > 0 ? CheckpointSelection.Validation : CheckpointSelection.Last;
        if (selection == CheckpointSelection.Validation && split == 0)
        {
            throw new UsageException("--select-on validation needs --validation-split above 0");
        }

        if (selection == CheckpointSelection.Eval && eval is null)
        {
            throw new UsageException("--select-on eval needs an --eval file");
        }

        var patience = OptionValues.Positive(parse, Patience);
        if (patience is not null && selection == CheckpointSelection.Last)
        {
            throw new UsageException("--patience needs a metric to watch: a --validation-split above 0, or --select-on eval");
        }

        var learningRate = parse.GetValue(LearningRate);
        if (!(learningRate > 0))
        {
            throw new UsageException($"--lr must be above 0; got {learningRate.ToString(CultureInfo.InvariantCulture)}");
        }

        var weightDecay = parse.GetValue(WeightDecay);
        if (!(weightDecay >= 0))
        {
            throw new UsageException($"--weight-decay must be 0 or more; got {weightDecay.ToString(CultureInfo.InvariantCulture)}");
        }

        var labelSmoothing = parse.GetValue(LabelSmoothing);
        if (labelSmoothing is < 0 or >= 1 || double.IsNaN(labelSmoothing))
        {
            throw new UsageException($"--label-smoothing must be in [0, 1); got {labelSmoothing.ToString(CultureInfo.InvariantCulture)}");
        }

        var (output, export) = (parse.GetValue(Out), parse.GetValue(Export));
        if (output is not null && export is not null && Path.GetFullPath(output) == Path.GetFullPath(export))
        {
            throw new UsageException("--out and --export must be different folders");
        }

        return new TrainingSettings
        {
            DataPath = parse.GetValue(Data)!,
            Seed = parse.GetValue(Seed),
            Epochs = OptionValues.Positive(parse, Epochs),
            BatchSize = OptionValues.Positive(parse, BatchSize),
            LearningRate = learningRate,
            WeightDecay = weightDecay,
            LabelSmoothing = labelSmoothing,
            ValidationSplit = split,
            EvalPath = eval,
            Selection = selection,
            Patience = patience,
            MaxExamples = OptionValues.Positive(parse, MaxExamples),
            MaxSteps = OptionValues.Positive(parse, MaxSteps),
            TimeLimit = parse.GetValue(TimeLimit) is { } limit ? ParseTimeLimit(limit) : null,
            InitFrom = parse.GetValue(InitFrom),
            OutputPath = output,
            ExportPath = export,
            ExportTolerance = SharedOptions.CheckTolerance(parse, ParityTolerance),
        };
    }

    private static Option<string?> SelectOnOption()
    {
        var option = new Option<string?>("--select-on")
        {
            Description = "Which epoch to keep: best on validation (default with a validation split), best on eval, or last (default without one)",
        };
        option.AcceptOnlyFromAmong("validation", "eval", "last");
        return option;
    }

    private static TimeSpan ParseTimeLimit(string text) =>
        Durations.TryParse(text) is { } limit && limit > TimeSpan.Zero ? limit
        : throw new UsageException($"--time-limit must be a positive duration like 90s, 5m, 1h30m or 00:05:00; got '{text}'");
}
