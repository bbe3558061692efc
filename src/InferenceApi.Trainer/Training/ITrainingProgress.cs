namespace InferenceApi.Trainer.Training;

/// <summary>Where the loop reports to: a live progress bar on a terminal, plain lines otherwise (see Cli/).</summary>
public interface ITrainingProgress
{
    void Start(TrainingPlan plan);

    void Step(StepProgress progress);

    void Epoch(EpochReport report, int epochs);
}
