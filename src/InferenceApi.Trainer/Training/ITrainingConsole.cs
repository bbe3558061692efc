namespace InferenceApi.Trainer.Training;

/// <summary>Where a run talks to the user: informational lines, and a progress display around the loop.</summary>
public interface ITrainingConsole
{
    void Info(string line);

    T WithProgress<T>(Func<ITrainingProgress, T> run);
}
