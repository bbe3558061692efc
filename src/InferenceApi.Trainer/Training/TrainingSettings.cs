namespace InferenceApi.Trainer.Training;

/// <summary>The options every task's <c>train</c> shares, validated by the command line before they get here.</summary>
public sealed record TrainingSettings
{
    /// <summary>The training data file or folder (<c>--data</c>).</summary>
    public string DataPath { get; init; } = "";

    /// <summary>Seeds the weights (torch), the validation split, the example order and any sampling.</summary>
    public int Seed { get; init; } = 42;

    public int Epochs { get; init; } = 10;

    public int BatchSize { get; init; } = 64;

    public double LearningRate { get; init; } = 1e-3;

    public double WeightDecay { get; init; } = StepTrainer<object>.DefaultWeightDecay;

    /// <summary>Classifiers: the share of a uniform target mixed into each training label (0 for none).</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Fraction of the training data held out for validation (stratified by label for classification); 0 for none.</summary>
    public double ValidationSplit { get; init; }

    /// <summary>A separate evaluation file, reported every epoch; it picks the checkpoint only with <see cref="CheckpointSelection.Eval"/>.</summary>
    public string? EvalPath { get; init; }

    public CheckpointSelection Selection { get; init; } = CheckpointSelection.Last;

    /// <summary>Stop after this many epochs without a better selection metric; null never stops early.</summary>
    public int? Patience { get; init; }

    /// <summary>Train on a seeded random sample of this many examples (before the validation split), for quick runs.</summary>
    public int? MaxExamples { get; init; }

    /// <summary>Stop after this many optimizer steps in all.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Stop (after the current step, then evaluate) once training has run this long.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>A checkpoint folder (trainer.json + model.bin) to start from instead of random weights.</summary>
    public string? InitFrom { get; init; }

    /// <summary>Where the checkpoint folder goes; it must not exist.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Where the ONNX model folder goes after training (e.g. models/NAME/VERSION); it must not exist.</summary>
    public string? ExportPath { get; init; }

    /// <summary>Parity tolerance of the export: ONNX Runtime vs TorchSharp max abs diff.</summary>
    public double ExportTolerance { get; init; } = 1e-4;
}
