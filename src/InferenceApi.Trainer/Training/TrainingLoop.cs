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
        var totals = new Totals(planned);
        var epochs = new List<EpochReport>();
        var stop = StopReason.Completed;
        double? bestValue = null;
        EpochReport? kept = null;
        WeightsSnapshot? best = null;
        var sinceBest = 0;
        try
        {
            for (var epoch = 1; epoch <= settings.Epochs && stop == StopReason.Completed; epoch++)
            {
                var tally = TrainEpoch(epoch, module, trainer, train, random, totals);
                stop = tally.Stop ?? StopReason.Completed;
                if (tally.Steps == 0)
                {
                    break;
                }

                var report = new EpochReport(epoch, tally.Steps, tally.Examples, tally.LossSum / tally.Steps,
                    validation is null ? null : evaluate(validation),
                    eval is null ? null : evaluate(eval),
                    tally.Examples / Math.Max(tally.Training.TotalSeconds, 1e-9),
                    totals.Clock.Elapsed);
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
                if (settings.Patience is { } patience && sinceBest >= patience && stop == StopReason.Completed)
                {
                    stop = StopReason.EarlyStopping;
                }
            }

            // The first step always runs and the first scored epoch always becomes the best, so one is kept.
            kept ??= epochs[^1];
            if (best is not null && !ReferenceEquals(kept, epochs[^1]))
            {
                best.Restore(module);
            }

            module.eval();
            return new TrainingOutcome(epochs, totals.Steps, totals.Examples, stop, totals.Training, totals.Clock.Elapsed) { Kept = kept };
        }
        finally
        {
            best?.Dispose();
        }
    }

    /// <summary>One pass of seeded shuffled batches, until the epoch ends or a limit is reached.</summary>
    private EpochTally TrainEpoch<TData>(int epoch, nn.Module module, IStepTrainer<TData> trainer, TData train, Random random, Totals totals)
        where TData : class, IExampleSet<TData>
    {
        module.train();
        var tally = new EpochTally();
        foreach (var batch in Batches.Shuffled(train.Count, settings.BatchSize, random))
        {
            if (LimitReached(totals.Steps, totals.Clock.Elapsed) is { } limit)
            {
                return tally with { Stop = limit };
            }

            var started = totals.Clock.Elapsed;
            var loss = trainer.Step(train.Subset(batch));
            var took = totals.Clock.Elapsed - started;
            totals.Add(batch.Length, took);
            tally = tally with
            {
                LossSum = tally.LossSum + loss,
                Steps = tally.Steps + 1,
                Examples = tally.Examples + batch.Length,
                Training = tally.Training + took,
            };
            progress.Step(new StepProgress(epoch, settings.Epochs, totals.Steps, totals.Planned, tally.LossSum / tally.Steps,
                totals.Examples / totals.Training.TotalSeconds, Remaining(totals, totals.Clock.Elapsed), totals.Clock.Elapsed));
        }

        return tally;
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

    private TimeSpan Remaining(Totals totals, TimeSpan elapsed)
    {
        var estimate = totals.Training / totals.Steps * Math.Max(totals.Planned - totals.Steps, 0);
        if (settings.TimeLimit is { } limit && limit - elapsed < estimate)
        {
            return limit > elapsed ? limit - elapsed : TimeSpan.Zero;
        }

        return estimate;
    }

    /// <summary>What one epoch did; <see cref="Stop"/> is set when a limit ended it early.</summary>
    private readonly record struct EpochTally(double LossSum, int Steps, int Examples, TimeSpan Training, StopReason? Stop);

    /// <summary>Counts across epochs: steps, examples, time spent in optimizer steps, and the run's clock.</summary>
    private sealed class Totals(int planned)
    {
        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public int Planned { get; } = planned;

        public int Steps { get; private set; }

        public long Examples { get; private set; }

        public TimeSpan Training { get; private set; }

        public void Add(int examples, TimeSpan took)
        {
            Steps++;
            Examples += examples;
            Training += took;
        }
    }
}
