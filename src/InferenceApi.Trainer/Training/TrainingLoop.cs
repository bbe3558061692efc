using System.Diagnostics;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>
/// The epoch loop every task shares: seeded shuffled batches, one optimizer step each, validation and eval after
/// every epoch, the best epoch's weights kept in memory (on the selection metric), early stopping after
/// <see cref="TrainingSettings.Patience"/> epochs without improvement, and step and time limits that end the run
/// cleanly (the partial epoch is still evaluated). At the end the module holds the kept epoch's weights.
/// </summary>
public sealed class TrainingLoop(TrainingSettings settings, MetricGoal goal, ITrainingProgress progress)
{
    public TrainingOutcome Run<TData>(
        nn.Module module,
        IStepTrainer<TData> trainer,
        Func<TData, Evaluation> evaluate,
        TData train,
        TData? validation,
        TData? eval)
        where TData : class, IExampleSet<TData>
    {
        var selected = SelectionSet(validation, eval);
        var perEpoch = Batches.PerEpoch(train.Count, settings.BatchSize);
        var planned = (int)Math.Min((long)settings.Epochs * perEpoch, settings.MaxSteps ?? int.MaxValue);
        progress.Start(new TrainingPlan(settings.Epochs, perEpoch, planned, train.Count, settings.BatchSize));

        var random = new Random(settings.Seed);
        var clock = Stopwatch.StartNew();
        var trainingTime = TimeSpan.Zero;
        var epochs = new List<EpochReport>();
        var steps = 0;
        long examples = 0;
        var stop = StopReason.Completed;
        double? bestValue = null;
        EpochReport? kept = null;
        WeightsSnapshot? best = null;
        var sinceBest = 0;
        try
        {
            for (var epoch = 1; epoch <= settings.Epochs; epoch++)
            {
                module.train();
                double lossSum = 0;
                var epochSteps = 0;
                var epochExamples = 0;
                var epochTraining = TimeSpan.Zero;
                foreach (var batch in Batches.Shuffled(train.Count, settings.BatchSize, random))
                {
                    if (LimitReached(steps, clock.Elapsed) is { } limit)
                    {
                        stop = limit;
                        break;
                    }

                    var started = clock.Elapsed;
                    lossSum += trainer.Step(train.Subset(batch));
                    var took = clock.Elapsed - started;
                    trainingTime += took;
                    epochTraining += took;
                    steps++;
                    epochSteps++;
                    epochExamples += batch.Length;
                    examples += batch.Length;
                    progress.Step(new StepProgress(epoch, settings.Epochs, steps, planned, lossSum / epochSteps,
                        examples / trainingTime.TotalSeconds, Remaining(planned - steps, trainingTime / steps, clock.Elapsed), clock.Elapsed));
                }

                if (epochSteps == 0)
                {
                    break;
                }

                var report = new EpochReport(epoch, epochSteps, epochExamples, lossSum / epochSteps,
                    validation is null ? null : evaluate(validation),
                    eval is null ? null : evaluate(eval),
                    epochExamples / Math.Max(epochTraining.TotalSeconds, 1e-9),
                    clock.Elapsed);
                if (Score(report, selected) is not { } score)
                {
                    kept = report;
                }
                else if (goal.IsBetter(score, bestValue))
                {
                    bestValue = score;
                    best?.Dispose();
                    best = WeightsSnapshot.Take(module);
                    report = report with { IsBest = true };
                    kept = report;
                    sinceBest = 0;
                }
                else
                {
                    sinceBest++;
                }

                epochs.Add(report);
                progress.Epoch(report, settings.Epochs);
                if (settings.Patience is { } patience && sinceBest >= patience)
                {
                    stop = StopReason.EarlyStopping;
                }

                if (stop != StopReason.Completed)
                {
                    break;
                }
            }

            // The first step always runs and the first scored epoch always becomes the best, so one is kept.
            kept ??= epochs[^1];
            if (best is not null && !ReferenceEquals(kept, epochs[^1]))
            {
                best.Restore(module);
            }

            module.eval();
            return new TrainingOutcome(epochs, steps, examples, stop, trainingTime, clock.Elapsed) { Kept = kept };
        }
        finally
        {
            best?.Dispose();
        }
    }

    /// <summary>Which set picks the checkpoint; null keeps the last epoch.</summary>
    private string? SelectionSet<TData>(TData? validation, TData? eval) where TData : class => settings.Selection switch
    {
        CheckpointSelection.Validation when validation is null => throw new InvalidOperationException("checkpoint selection on validation needs a validation split"),
        CheckpointSelection.Eval when eval is null => throw new InvalidOperationException("checkpoint selection on eval needs an --eval file"),
        CheckpointSelection.Validation => "validation",
        CheckpointSelection.Eval => "eval",
        _ => null,
    };

    private double? Score(EpochReport report, string? selected) => selected switch
    {
        "validation" => report.Validation![goal.Name],
        "eval" => report.Eval![goal.Name],
        _ => null,
    };

    /// <summary>A limit that ends the run before the next step; the first step always runs, so there is an epoch to keep.</summary>
    private StopReason? LimitReached(int steps, TimeSpan elapsed) =>
        settings.MaxSteps is { } max && steps >= max ? StopReason.MaxSteps
        : settings.TimeLimit is { } limit && steps > 0 && elapsed >= limit ? StopReason.TimeLimit
        : null;

    private TimeSpan Remaining(int stepsLeft, TimeSpan perStep, TimeSpan elapsed)
    {
        var estimate = perStep * Math.Max(stepsLeft, 0);
        if (settings.TimeLimit is { } limit && limit - elapsed < estimate)
        {
            return limit > elapsed ? limit - elapsed : TimeSpan.Zero;
        }

        return estimate;
    }
}
