using System.Text.Json.Nodes;
using InferenceApi.Trainer.Checkpoints;
using InferenceApi.Trainer.Export;

namespace InferenceApi.Trainer.Training;

/// <summary>The JSON of the <c>--metrics</c> file and of trainer.json's "metrics": snake_case, seconds as numbers.</summary>
public static class MetricsJson
{
    public static JsonObject Training(TrainingReport report)
    {
        var outcome = report.Outcome;
        var kept = outcome.Kept;
        var settings = report.Settings;
        return new JsonObject
        {
            ["command"] = "train",
            ["task"] = report.Task,
            ["data"] = JsonSerializerNode(report.Data),
            ["seed"] = settings.Seed,
            ["settings"] = new JsonObject
            {
                ["epochs"] = settings.Epochs,
                ["batch_size"] = settings.BatchSize,
                ["learning_rate"] = settings.LearningRate,
                ["weight_decay"] = settings.WeightDecay,
                ["label_smoothing"] = settings.LabelSmoothing,
                ["validation_split"] = settings.ValidationSplit,
                ["select_on"] = settings.Selection.ToString().ToLowerInvariant(),
                ["patience"] = settings.Patience,
                ["max_examples"] = settings.MaxExamples,
                ["max_steps"] = settings.MaxSteps,
                ["time_limit_seconds"] = settings.TimeLimit?.TotalSeconds,
                ["init_from"] = settings.InitFrom is null ? null : Path.GetFullPath(settings.InitFrom),
            },
            ["selection_metric"] = report.Goal.Name,
            ["epochs_run"] = outcome.Epochs.Count,
            ["steps"] = outcome.Steps,
            ["examples_seen"] = outcome.Examples,
            ["best_epoch"] = kept.Epoch,
            ["stop_reason"] = Kebab(outcome.StopReason),
            ["train_loss"] = kept.TrainLoss,
            ["validation"] = Evaluation(kept.Validation),
            ["eval"] = Evaluation(kept.Eval),
            ["examples_per_second"] = outcome.TrainingTime.TotalSeconds > 0 ? outcome.Examples / outcome.TrainingTime.TotalSeconds : null,
            ["training_seconds"] = outcome.TrainingTime.TotalSeconds,
            ["wall_seconds"] = outcome.Elapsed.TotalSeconds,
            ["history"] = new JsonArray([.. outcome.Epochs.Select(Epoch)]),
            ["checkpoint"] = report.Checkpoint,
            ["export"] = Export(report.Export),
        };
    }

    public static JsonObject Evaluation(EvaluationReport report) => new()
    {
        ["command"] = "eval",
        ["task"] = report.Task,
        ["checkpoint"] = report.Checkpoint,
        ["data"] = report.DataPath,
        ["eval"] = Evaluation(report.Evaluation),
        ["int8"] = report.Int8 is { } int8 ? Evaluation(int8) : null,
        ["wall_seconds"] = report.Elapsed.TotalSeconds,
    };

    public static JsonObject Quantized(string source, Export.QuantizedFolder result) => new()
    {
        ["command"] = "quantize",
        ["model"] = Path.GetFullPath(source),
        ["folder"] = result.Folder,
        ["parity_max_abs_diff"] = result.MaxAbsDiff,
        ["parity_tolerance"] = result.Tolerance,
        ["float32"] = result.Float32 is { } before ? Evaluation(before) : null,
        ["int8"] = result.Int8 is { } after ? Evaluation(after) : null,
        ["float32_bytes"] = result.Float32Bytes,
        ["int8_bytes"] = result.Int8Bytes,
    };

    public static JsonObject Exported(string task, string checkpoint, ExportReport report) => new()
    {
        ["command"] = "export",
        ["task"] = task,
        ["checkpoint"] = checkpoint,
        ["export"] = Export(report),
    };

    public static JsonObject? Evaluation(Evaluation? evaluation)
    {
        if (evaluation is null)
        {
            return null;
        }

        var node = new JsonObject { ["examples"] = evaluation.Examples, ["loss"] = evaluation.Loss };
        foreach (var (name, value) in evaluation.Metrics)
        {
            node[name] = value;
        }

        return node;
    }

    public static JsonObject? Export(ExportReport? report)
    {
        if (report is null)
        {
            return null;
        }

        var parity = new JsonObject();
        foreach (var (name, value) in report.Parity)
        {
            parity[name] = value;
        }

        return new JsonObject { ["folder"] = report.Folder, ["parity"] = parity, ["tolerance"] = report.Tolerance, ["int8"] = report.Int8 };
    }

    public static string Kebab(StopReason reason) => reason switch
    {
        StopReason.MaxSteps => "max-steps",
        StopReason.TimeLimit => "time-limit",
        StopReason.EarlyStopping => "early-stopping",
        _ => "completed",
    };

    private static JsonObject Epoch(EpochReport epoch) => new()
    {
        ["epoch"] = epoch.Epoch,
        ["steps"] = epoch.Steps,
        ["train_loss"] = epoch.TrainLoss,
        ["validation"] = Evaluation(epoch.Validation),
        ["eval"] = Evaluation(epoch.Eval),
        ["examples_per_second"] = epoch.ExamplesPerSecond,
        ["elapsed_seconds"] = epoch.Elapsed.TotalSeconds,
        ["best_so_far"] = epoch.IsBest,
    };

    private static JsonNode? JsonSerializerNode<T>(T value) => System.Text.Json.JsonSerializer.SerializeToNode(value, Checkpoint.Json);
}
