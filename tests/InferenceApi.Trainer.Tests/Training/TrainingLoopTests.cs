using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Training;

/// <summary>The shared loop with a scripted model: each step adds 1 to a single weight; the validation accuracy is scripted per epoch.</summary>
public sealed class TrainingLoopTests
{
    [Fact]
    public void Run_ValidationPeaksThenFalls_RestoresTheBestEpochAndStopsAfterPatience()
    {
        using var module = nn.Linear(1, 1, hasBias: false);
        var start = Weight(module);
        var progress = new RecordingProgress();
        var settings = new TrainingSettings { Epochs = 10, BatchSize = 4, Selection = CheckpointSelection.Validation, Patience = 2 };

        var outcome = new TrainingLoop(settings, MetricGoal.Accuracy, progress)
            .Run(module, new AddOne(module), Scripted(0.5, 0.8, 0.6, 0.7, 0.9), new Examples(4), new Examples(2), null);

        Assert.Equal(StopReason.EarlyStopping, outcome.StopReason);
        Assert.Equal(4, outcome.Epochs.Count);
        Assert.Equal(2, outcome.Kept.Epoch);
        Assert.Equal(start + 2, Weight(module), 5);
        Assert.Equal([1, 2], outcome.Epochs.Where(e => e.IsBest).Select(e => e.Epoch));
        Assert.Equal(4, progress.Epochs);
        Assert.Equal(4, progress.Steps);
        Assert.Equal(10, progress.Plan!.TotalSteps);
    }

    [Fact]
    public void Run_SelectLast_KeepsTheLastWeights()
    {
        using var module = nn.Linear(1, 1, hasBias: false);
        var start = Weight(module);
        var settings = new TrainingSettings { Epochs = 3, BatchSize = 2, Selection = CheckpointSelection.Last };

        var outcome = new TrainingLoop(settings, MetricGoal.Accuracy, new RecordingProgress())
            .Run(module, new AddOne(module), Scripted(0.9, 0.1, 0.1), new Examples(4), new Examples(2), null);

        Assert.Equal(StopReason.Completed, outcome.StopReason);
        Assert.Equal(3, outcome.Kept.Epoch);
        Assert.Equal(6, outcome.Steps);
        Assert.Equal(start + 6, Weight(module), 5);
    }

    [Fact]
    public void Run_LowerIsBetterGoal_KeepsTheLowestLoss()
    {
        using var module = nn.Linear(1, 1, hasBias: false);
        var start = Weight(module);
        var settings = new TrainingSettings { Epochs = 3, BatchSize = 4, Selection = CheckpointSelection.Eval };

        var outcome = new TrainingLoop(settings, MetricGoal.Loss, new RecordingProgress())
            .Run(module, new AddOne(module), Scripted(0.5, 0.2, 0.4), new Examples(4), null, new Examples(2));

        Assert.Equal(2, outcome.Kept.Epoch);
        Assert.Equal(start + 2, Weight(module), 5);
    }

    [Fact]
    public void Run_MaxStepsMidEpoch_EvaluatesThePartialEpoch()
    {
        using var module = nn.Linear(1, 1, hasBias: false);
        var settings = new TrainingSettings { Epochs = 5, BatchSize = 1, MaxSteps = 6, Selection = CheckpointSelection.Last };

        var outcome = new TrainingLoop(settings, MetricGoal.Accuracy, new RecordingProgress())
            .Run(module, new AddOne(module), Scripted(0.5, 0.5), new Examples(4), new Examples(2), null);

        Assert.Equal(StopReason.MaxSteps, outcome.StopReason);
        Assert.Equal([4, 2], outcome.Epochs.Select(e => e.Steps));
        Assert.NotNull(outcome.Epochs[^1].Validation);
    }

    private static float Weight(nn.Module<Tensor, Tensor> module) => module.parameters().Single().item<float>();

    /// <summary>Returns the scripted value per call as both the loss and the accuracy.</summary>
    private static Func<Examples, Evaluation> Scripted(params double[] values)
    {
        var call = 0;
        return data =>
        {
            var value = values[Math.Min(call++, values.Length - 1)];
            return new Evaluation(data.Count, value, new Dictionary<string, double> { ["accuracy"] = value });
        };
    }

    private sealed class Examples(int count) : IExampleSet<Examples>
    {
        public int Count => count;

        public Examples Subset(IReadOnlyList<int> indices) => new(indices.Count);
    }

    private sealed class AddOne(nn.Module module) : IStepTrainer<Examples>
    {
        public double Step(Examples batch)
        {
            using var noGrad = no_grad();
            module.parameters().Single().add_(1);
            return 1;
        }
    }

    private sealed class RecordingProgress : ITrainingProgress
    {
        public TrainingPlan? Plan { get; private set; }

        public int Steps { get; private set; }

        public int Epochs { get; private set; }

        public void Start(TrainingPlan plan) => Plan = plan;

        public void Step(StepProgress progress) => Steps++;

        public void Epoch(EpochReport report, int epochs) => Epochs++;
    }
}
