namespace InferenceApi.Trainer.Tasks;

/// <summary>Every task the CLI knows. A new task is one <see cref="TrainerTask{TModel, TData}"/> subclass added here.</summary>
public static class TrainerTasks
{
    public static IReadOnlyList<ITrainerTask> All { get; } =
    [
        new TextClassificationTask(),
        new ImageClassificationTask(),
        new TextGenerationTask(),
    ];

    /// <summary>The task a checkpoint's trainer.json names.</summary>
    public static ITrainerTask Find(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new InvalidDataException($"unknown task '{name}' in trainer.json; this trainer knows {string.Join(", ", All.Select(t => t.Name))}");
}
