using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>A bare epoch without the <see cref="TrainingLoop"/>'s validation, snapshots and limits: for tests and quick experiments.</summary>
public static class StepTrainerEpochs
{
    /// <summary>One pass over <paramref name="data"/> in seeded shuffled batches, in training mode; returns the mean loss.</summary>
    public static double TrainEpoch<TData>(this IStepTrainer<TData> trainer, nn.Module module, TData data, int batchSize, Random random)
        where TData : class, IExampleSet<TData>
    {
        module.train();
        double total = 0;
        var count = 0;
        foreach (var batch in Batches.Shuffled(data.Count, batchSize, random))
        {
            total += trainer.Step(data.Subset(batch));
            count++;
        }

        return total / Math.Max(count, 1);
    }
}
