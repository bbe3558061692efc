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
    public void Record_FallsHalfTheWayToEachFasterRoundsTimePerRequest()
    {
        var estimator = new WaitEstimator(TimeSpan.FromSeconds(1));

        // 32 requests in 3.2 s is 0.1 s each; a second such round moves the average on from 0.55 s.
        estimator.Record(TimeSpan.FromSeconds(3.2), served: 32);
        estimator.Record(TimeSpan.FromSeconds(3.2), served: 32);

        Assert.Equal(0.325, estimator.AveragePerRequest.TotalSeconds, 9);
        Assert.Equal(3.25, estimator.ExpectedWait(ahead: 10, lanes: 1).TotalSeconds, 9);
    }

    [Fact]
    public void Record_RisesHalfTheWayToASlowerRound()
    {
        var estimator = new WaitEstimator(TimeSpan.FromSeconds(1));

        estimator.Record(TimeSpan.FromSeconds(3));

        Assert.Equal(2, estimator.AveragePerRequest.TotalSeconds, 9);
    }

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(1, 1, 200)]
    [InlineData(31, 1, 200)]
    [InlineData(32, 1, 200 + 320)]
    [InlineData(100, 1, 200 + (3 * 320))]
    [InlineData(100, 2, (200 + (3 * 320)) / 2)]
    public void ExpectedWaitInBatches_TheRunningRoundThenOneFullRoundPerWholeBatchAhead(int ahead, int lanes, int milliseconds)
    {
        // Rounds of 200 ms so far, 10 ms per request: a full batch of 32 would take 320 ms.
        var estimator = new WaitEstimator(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(200));

        Assert.Equal(milliseconds, estimator.ExpectedWaitInBatches(ahead, batchSize: 32, lanes).TotalMilliseconds, 6);
    }

    [Fact]
    public void ExpectedWaitInBatches_AfterSlowSmallRounds_AShortQueueStillWaitsOneRound()
    {
        // A shared machine: rounds of 2 requests that took 150 ms each (75 ms per request). Pricing the 20 requests
        // ahead at that share would say 1.5 s and refuse under a 1 s limit; they all fit in the newcomer's batch.
        var estimator = new WaitEstimator(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 10; i++)
        {
            estimator.Record(TimeSpan.FromMilliseconds(150), served: 2);
        }

        Assert.True(estimator.ExpectedWait(ahead: 20, lanes: 1) > TimeSpan.FromSeconds(1));
        Assert.Equal(150, estimator.ExpectedWaitInBatches(ahead: 20, batchSize: 32, lanes: 1).TotalMilliseconds, 0);
    }

    [Theory]
    [InlineData(100, 100, 100 + (2 * 400))]
    [InlineData(10, 200, 200 + (2 * 200))]
    public void ExpectedWaitInBatches_FullRoundIsABatchOfTheShareButNeverShorterThanTheRoundsSeen(int perRequestMs, int roundMs, int expectedMs)
    {
        // 100 ms per request makes a batch of 4 take 400 ms; 10 ms would make it 40 ms, shorter than the 200 ms rounds seen.
        var estimator = new WaitEstimator(TimeSpan.FromMilliseconds(perRequestMs), TimeSpan.FromMilliseconds(roundMs));

        Assert.Equal(expectedMs, estimator.ExpectedWaitInBatches(ahead: 8, batchSize: 4, lanes: 1).TotalMilliseconds, 6);
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
