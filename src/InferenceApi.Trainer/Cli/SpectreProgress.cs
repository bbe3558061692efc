using System.Globalization;
using InferenceApi.Trainer.Training;
using Spectre.Console;

namespace InferenceApi.Trainer.Cli;

/// <summary>
/// A live Spectre.Console progress bar on an interactive terminal: loss, throughput and the loop's own ETA (which
/// knows the time limit) in the description, elapsed time beside the bar, each epoch's line printed above it.
/// </summary>
public sealed class SpectreProgress : ITrainingProgress
{
    private readonly IAnsiConsole console;
    private readonly ProgressContext context;
    private ProgressTask? task;

    private SpectreProgress(IAnsiConsole console, ProgressContext context)
    {
        this.console = console;
        this.context = context;
    }

    public static T Run<T>(IAnsiConsole console, Func<ITrainingProgress, T> run) =>
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context => run(new SpectreProgress(console, context)));

    public void Start(TrainingPlan plan)
    {
        console.WriteLine(ReportLines.Plan(plan));
        task = context.AddTask("training", maxValue: Math.Max(plan.TotalSteps, 1));
    }

    public void Step(StepProgress progress)
    {
        if (task is null)
        {
            return;
        }

        task.Value = progress.Step;
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"epoch {progress.Epoch}/{progress.Epochs}  loss {progress.EpochLoss:F4}  {progress.ExamplesPerSecond:F0} ex/s  ETA {ReportLines.Clock(progress.Remaining)}"));
    }

    public void Epoch(EpochReport report, int epochs) => console.WriteLine(ReportLines.Epoch(report, epochs));
}
