using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>
/// AdamW over every parameter of a module, for any task: the task supplies the forward pass and loss, this class
/// does zero-grad, backward and step, each step inside its own dispose scope so no tensor outlives it. With a
/// <paramref name="schedule"/>, each step's rate is the schedule's for that step (else <paramref name="learningRate"/> throughout).
/// </summary>
public sealed class StepTrainer<TData>(
    nn.Module module, Func<TData, Tensor> loss, double learningRate, double weightDecay = StepTrainer<TData>.DefaultWeightDecay,
    LearningRateSchedule? schedule = null)
    : IStepTrainer<TData>
{
    public const double DefaultWeightDecay = 0.01;

    private readonly optim.Optimizer optimizer = optim.AdamW(module.parameters(), learningRate, weight_decay: weightDecay);

    public int StepsTaken { get; private set; }

    /// <summary>The rate the next step uses.</summary>
    public double CurrentRate => schedule?.Rate(StepsTaken) ?? learningRate;

    public double Step(TData batch)
    {
        using var scope = NewDisposeScope();
        if (schedule is not null)
        {
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = schedule.Rate(StepsTaken);
            }
        }

        StepsTaken++;
        return CollectionPause.Run(() =>
        {
            optimizer.zero_grad();
            var value = loss(batch);
            value.backward();
            optimizer.step();
            return value.item<float>();
        });
    }
}
