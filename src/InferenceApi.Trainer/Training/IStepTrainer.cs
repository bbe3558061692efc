namespace InferenceApi.Trainer.Training;

/// <summary>One optimizer step on one batch; returns the batch's loss. The loop owns batching, order and stopping.</summary>
public interface IStepTrainer<in TData>
{
    double Step(TData batch);
}
