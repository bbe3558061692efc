using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>
/// AdamW over every parameter of a module, for any task: the task supplies the forward pass and loss, this class
/// does zero-grad, backward and step, each step inside its own dispose scope so no tensor outlives it.
/// </summary>
public sealed class StepTrainer<TData>(nn.Module module, Func<TData, Tensor> loss, double learningRate, double weightDecay = StepTrainer<TData>.DefaultWeightDecay)
    : IStepTrainer<TData>
{
    public const double DefaultWeightDecay = 0.01;

    private readonly optim.Optimizer optimizer = optim.AdamW(module.parameters(), learningRate, weight_decay: weightDecay);

    public double Step(TData batch)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var value = loss(batch);
        value.backward();
        optimizer.step();
        return value.item<float>();
    }
}
