namespace InferenceApi.Trainer.Training;

/// <summary>
/// What the shared training loop needs of a data set: its size, and a batch of it by index. Everything else
/// (tensors, padding, labels) is the task's business.
/// </summary>
public interface IExampleSet<out TSelf>
    where TSelf : IExampleSet<TSelf>
{
    int Count { get; }

    TSelf Subset(IReadOnlyList<int> indices);
}
