using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Rate_Cosine_StartsAtTheBaseHalvesMidwayAndEndsAtTheFloor()
    {
        var schedule = new LearningRateSchedule(2e-3, TotalSteps: 101, Floor: 0.05);

        Assert.Equal(2e-3, schedule.Rate(0), 12);
        Assert.Equal(2e-3 * (0.05 + (0.95 * 0.5)), schedule.Rate(50), 12);
        Assert.Equal(2e-3 * 0.05, schedule.Rate(100), 12);
    }

    [Fact]
    public void Rate_Cosine_FallsAtEveryStepAndStaysAtTheFloorPastThePlan()
    {
        var schedule = new LearningRateSchedule(1, TotalSteps: 40, Floor: 0.1);

        var rates = Enumerable.Range(0, 40).Select(schedule.Rate).ToArray();

        Assert.All(rates.Zip(rates.Skip(1)), pair => Assert.True(pair.Second < pair.First, $"{pair.First} -> {pair.Second}"));
        Assert.Equal(0.1, schedule.Rate(40), 12);
        Assert.Equal(0.1, schedule.Rate(1000), 12);
    }

    [Fact]
    public void Rate_Constant_IsTheBaseAtEveryStep()
    {
        var schedule = LearningRateSchedule.Constant(3e-3);

        Assert.All(new[] { 0, 1, 500, 100_000 }, step => Assert.Equal(3e-3, schedule.Rate(step)));
    }

    [Fact]
    public void Step_ScheduleAtZero_LeavesTheWeightsWhereTheyWere()
    {
        manual_seed(3);
        var batch = TrainerData.Digits.Subset(Enumerable.Range(0, 32).ToArray());
        using var model = new TinyVit(new VitOptions());
        // Two planned steps from 1e-2 to a floor of 0: the first moves the weights, the second has a rate of 0.
        var trainer = new ImageClassificationTrainer(model, learningRate: 1e-2, schedule: new LearningRateSchedule(1e-2, TotalSteps: 2, Floor: 0));
        var start = Weights(model);

        trainer.Step(batch);
        var afterFirst = Weights(model);
        Assert.Equal(0, trainer.CurrentRate);
        trainer.Step(batch);

        Assert.NotEqual(start, afterFirst);
        Assert.Equal(afterFirst, Weights(model));
    }

    private static float[] Weights(TinyVit model) =>
        [.. model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray())];
}
