using System.Globalization;
using InferenceApi.Trainer.Training;

namespace InferenceApi.Trainer.Cli;

/// <summary>The lines a run prints, shared by the plain and the live console so both read the same.</summary>
public static class ReportLines
{
    public static string Plan(TrainingPlan plan) => Invariant(
        $"training on {plan.TrainingExamples} examples: {plan.StepsPerEpoch} steps per epoch of batch {plan.BatchSize}, at most {plan.Epochs} epochs ({plan.TotalSteps} steps)");

    public static string Step(StepProgress p) => Invariant(
        $"  epoch {p.Epoch}/{p.Epochs}  step {p.Step}/{p.TotalSteps}  loss {p.EpochLoss:F4}  {p.ExamplesPerSecond:F0} ex/s  ETA {Clock(p.Remaining)}  {p.Elapsed.TotalSeconds:F1}s");

    public static string Epoch(EpochReport report, int epochs)
    {
        var line = Invariant($"epoch {report.Epoch}/{epochs}  train loss {report.TrainLoss:F4}");
        if (report.Validation is { } validation)
        {
            line += "  validation " + validation.Describe();
        }

        if (report.Eval is { } eval)
        {
            line += "  eval " + eval.Describe();
        }

        line += Invariant($"  {report.ExamplesPerSecond:F0} ex/s  {report.Elapsed.TotalSeconds:F1}s");
        return report.IsBest ? line + "  *" : line;
    }

    /// <summary>
    /// "final: accuracy 0.9721 on validation (359 examples, loss 0.0912); eval accuracy 0.8096 loss 0.4400 (872 examples);
    /// train loss 0.0312; kept epoch 7 of 10 (best validation accuracy); 230 steps; completed; 12.3s".
    /// </summary>
    public static string Final(TrainingReport report)
    {
        var outcome = report.Outcome;
        var kept = outcome.Kept;
        var goal = report.Goal.Name;
        var parts = new List<string>();
        if (kept.Validation is { } validation)
        {
            parts.Add(Headline(goal, validation, "validation"));
            if (kept.Eval is { } eval)
            {
                parts.Add(Invariant($"eval {eval.Describe()} ({eval.Examples} examples)"));
            }
        }
        else if (kept.Eval is { } eval)
        {
            parts.Add(Headline(goal, eval, "eval"));
        }

        parts.Add(Invariant($"train loss {kept.TrainLoss:F4}"));
        var why = report.Settings.Selection switch
        {
            CheckpointSelection.Validation => $"best validation {goal}",
            CheckpointSelection.Eval => $"best eval {goal}",
            _ => "last",
        };
        parts.Add(Invariant($"kept epoch {kept.Epoch} of {outcome.Epochs.Count} ({why})"));
        parts.Add(Invariant($"{outcome.Steps} steps"));
        parts.Add(MetricsJson.Kebab(outcome.StopReason));
        parts.Add(Invariant($"{outcome.Elapsed.TotalSeconds:F1}s"));
        return "final: " + string.Join("; ", parts);
    }

    public static string Evaluated(EvaluationReport report) => Invariant(
        $"eval: {report.Evaluation.Describe()} ({report.Evaluation.Examples} examples of {report.DataPath}; {report.Task} checkpoint {report.Checkpoint}); {report.Elapsed.TotalSeconds:F1}s")
        + (report.Int8 is { } int8 ? Environment.NewLine + Invariant(
            $"int8: {int8.Describe()} (ONNX Runtime, int8 graph); accuracy change {100 * (int8["accuracy"] - report.Evaluation["accuracy"]):+0.00;-0.00;0.00} points") : "");

    public static string Exported(Export.ExportReport report) => Invariant(
        $"exported {report.Folder}{(report.Int8 ? " (int8)" : "")}; parity (max abs diff, tolerance {report.Tolerance:E1}{(report.Int8 ? " of the largest float32 output" : "")}): {string.Join(", ", report.Parity.Select(p => Invariant($"{p.Key.Replace('_', ' ')} {p.Value:E2}")))}");

    private static string Headline(string goal, Evaluation evaluation, string set) => Invariant(
        $"{goal} {evaluation[goal]:F4} on {set} ({evaluation.Examples} examples, {string.Join(' ', evaluation.Metrics.Where(m => m.Key != goal).Select(m => Invariant($"{m.Key} {m.Value:F4}")).Append(Invariant($"loss {evaluation.Loss:F4}")))})");

    public static string Clock(TimeSpan span) =>
        span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : span.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
