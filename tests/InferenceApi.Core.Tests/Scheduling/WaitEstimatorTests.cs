using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Tests.Scheduling;

public sealed class WaitEstimatorTests
{
    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(-3, 1, 0)]
    [InlineData(10, 1, 1000)]
    [InlineData(10, 4, 250)]
    public void ExpectedWait_AheadTimesTimePerRequestOverLanes(int ahead, int lanes, int milliseconds)
    {
        var estimator = new WaitEstimator(TimeSpan.FromMilliseconds(100));

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), estimator.ExpectedWait(ahead, lanes));
    }

    [Fact]
    public void Record_FallsATenthOfTheWayToEachFasterRoundsTimePerRequest()
    {
        var estimator = new WaitEstimator(TimeSpan.FromSeconds(1));

        // 32 requests in 3.2 s is 0.1 s each; a second such round moves the average on from 0.91 s.
        estimator.Record(TimeSpan.FromSeconds(3.2), served: 32);
        estimator.Record(TimeSpan.FromSeconds(3.2), served: 32);

        Assert.Equal(0.829, estimator.AveragePerRequest.TotalSeconds, 9);
        Assert.Equal(8.29, estimator.ExpectedWait(ahead: 10, lanes: 1).TotalSeconds, 9);
    }

    [Fact]
    public void Record_RisesHalfTheWayToASlowerRound()
    {
        var estimator = new WaitEstimator(TimeSpan.FromSeconds(1));

        estimator.Record(TimeSpan.FromSeconds(3));

        Assert.Equal(2, estimator.AveragePerRequest.TotalSeconds, 9);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5000, 1)]
    [InlineData(1001, 2)]
    [InlineData(5700, 6)]
    [InlineData(3_600_000, 60)]
    public void RetryAfter_WholeSecondsRoundedUp_Between1And60(int milliseconds, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), WaitEstimator.RetryAfter(TimeSpan.FromMilliseconds(milliseconds)));
}
