using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Tests.Scheduling;

public sealed class RetryAfterEstimatorTests
{
    [Theory]
    [InlineData(1, 4, 2)]
    [InlineData(8, 4, 4)]
    [InlineData(9, 4, 6)]
    [InlineData(0, 4, 1)]
    [InlineData(1000, 1, 60)]
    public void Estimate_RoundsAheadTimesTheRound_InWholeSecondsBetween1And60(int waiting, int perRound, int seconds)
    {
        var estimator = new RetryAfterEstimator(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(seconds), estimator.Estimate(waiting, perRound));
    }

    [Fact]
    public void Record_MovesTheAverageRoundATenthOfTheWayToEachNewOne()
    {
        var estimator = new RetryAfterEstimator(TimeSpan.FromSeconds(1));

        estimator.Record(TimeSpan.FromSeconds(11));
        estimator.Record(TimeSpan.FromSeconds(11));

        Assert.Equal(2.9, estimator.AverageRound.TotalSeconds, 9);
        Assert.Equal(TimeSpan.FromSeconds(15), estimator.Estimate(waiting: 5, perRound: 1));
    }
}
