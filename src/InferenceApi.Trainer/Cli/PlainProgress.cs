using InferenceApi.Trainer.Training;

namespace InferenceApi.Trainer.Cli;

/// <summary>
/// Progress as plain lines, for redirected output, CI logs and tests: the plan, a step line at most every
/// <paramref name="interval"/>, and a line per epoch. No cursor movement, no colour.
/// </summary>
public sealed class PlainProgress(TextWriter output, TimeSpan interval) : ITrainingProgress
{
    private TimeSpan lastStepLine;

    public void Start(TrainingPlan plan) => output.WriteLine(ReportLines.Plan(plan));

    public void Step(StepProgress progress)
    {
        if (progress.Elapsed - lastStepLine >= interval)
        {
            lastStepLine = progress.Elapsed;
            output.WriteLine(ReportLines.Step(progress));
        }
    }

    public void Epoch(EpochReport report, int epochs)
    {
        lastStepLine = report.Elapsed;
        output.WriteLine(ReportLines.Epoch(report, epochs));
    }
}
