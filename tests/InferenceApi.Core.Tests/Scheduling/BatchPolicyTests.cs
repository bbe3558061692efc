using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Tests.Scheduling;

public sealed class BatchPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(10);

    private static BatchPolicy Policy(int maxBatchSize = 8, int maxBatchTokens = 10_000, TimeSpan? delay = null) =>
        new(new BatchLimits(maxBatchSize, maxBatchTokens, delay ?? Delay, QueueCapacity: 100, Instances: 1));

    private static Candidate Item(int tokens = 10, double enqueuedMs = 0, bool cancelled = false, DateTimeOffset? deadline = null) =>
        new(T0.AddMilliseconds(enqueuedMs), deadline ?? T0.AddHours(1), tokens, cancelled);

    [Fact]
    public void Plan_MoreWaitingThanMaxBatchSize_DispatchesFullBatchAtOnce()
    {
        var plan = Policy(maxBatchSize: 3).Plan([Item(), Item(), Item(), Item()], T0);

        Assert.Equal([0, 1, 2], plan.Batch);
        Assert.Null(plan.WakeAt);
        Assert.Empty(plan.Dropped);
    }

    [Fact]
    public void Plan_ExactlyMaxBatchSizeWaiting_DispatchesWithoutWaiting()
    {
        var plan = Policy(maxBatchSize: 3).Plan([Item(), Item(), Item()], T0);

        Assert.Equal([0, 1, 2], plan.Batch);
        Assert.Null(plan.WakeAt);
    }

    [Fact]
    public void Plan_CandidateWouldExceedTokenBudget_SkipsItButTakesShorterLaterOneAndDispatches()
    {
        // 2 x 65 = 130 > 120 padded tokens, but 2 x 50 = 100 fits: the closer-in-length 65 is skipped, 30 joins.
        var plan = Policy(maxBatchTokens: 120).Plan([Item(50), Item(65), Item(30)], T0);

        Assert.Equal([0, 2], plan.Batch);
        Assert.Null(plan.WakeAt);
    }

    [Fact]
    public void Plan_PaddedTokensExactlyAtBudget_Fits()
    {
        // Padded tokens are count x longest: 2 x 60 = 120, not 50 + 60.
        var plan = Policy(maxBatchTokens: 120).Plan([Item(50), Item(60)], T0);

        Assert.False(plan.HasBatch);
        Assert.Equal(T0 + Delay, plan.WakeAt);
    }

    [Fact]
    public void Plan_PaddedTokensOneOverBudget_LeavesCandidateOutAndDispatchesAnchor()
    {
        var plan = Policy(maxBatchTokens: 119).Plan([Item(50), Item(60)], T0);

        Assert.Equal([0], plan.Batch);
        Assert.Null(plan.WakeAt);
    }

    [Fact]
    public void Plan_NotFullAndDelayNotPassed_WaitsUntilOldestEnqueuedAtPlusDelay()
    {
        var plan = Policy().Plan([Item(enqueuedMs: 0), Item(enqueuedMs: 3)], T0.AddMilliseconds(5));

        Assert.False(plan.HasBatch);
        Assert.Empty(plan.Batch);
        Assert.Empty(plan.Dropped);
        Assert.Equal(T0 + Delay, plan.WakeAt);
    }

    [Fact]
    public void Plan_OldestHasWaitedExactlyTheDelay_DispatchesEveryoneWaiting()
    {
        var plan = Policy().Plan([Item(enqueuedMs: 0), Item(enqueuedMs: 3)], T0 + Delay);

        Assert.Equal([0, 1], plan.Batch);
        Assert.Null(plan.WakeAt);
    }

    [Fact]
    public void Plan_OldestHasWaitedPastTheDelay_Dispatches()
    {
        var plan = Policy().Plan([Item(enqueuedMs: 0)], T0.AddMilliseconds(50));

        Assert.Equal([0], plan.Batch);
    }

    [Fact]
    public void Plan_ZeroQueueDelay_DispatchesImmediately()
    {
        var plan = Policy(delay: TimeSpan.Zero).Plan([Item()], T0);

        Assert.Equal([0], plan.Batch);
        Assert.Null(plan.WakeAt);
    }

    [Fact]
    public void Plan_MixedLengths_AnchorTakesTheClosestLengths()
    {
        var plan = Policy(maxBatchSize: 3).Plan([Item(5), Item(50), Item(6), Item(49), Item(7)], T0);

        Assert.Equal([0, 2, 4], plan.Batch);
        Assert.Null(plan.WakeAt);
    }

    [Fact]
    public void Plan_EqualDistanceFromAnchor_PrefersEarlierArrival()
    {
        // 8 and 12 are both 2 away from the anchor's 10: arrival order decides.
        var plan = Policy(maxBatchSize: 2).Plan([Item(10), Item(12), Item(8)], T0);

        Assert.Equal([0, 1], plan.Batch);
    }

    [Fact]
    public void Plan_OldestIsTheLongest_OldestStillAnchorsTheBatch()
    {
        // A batch of the three short ones would pad less, but the oldest must never starve.
        var plan = Policy(maxBatchSize: 3, maxBatchTokens: 200).Plan([Item(100), Item(5), Item(6), Item(7)], T0);

        Assert.Equal([0, 3], plan.Batch);
        Assert.Contains(0, plan.Batch);
    }

    [Fact]
    public void Plan_CancelledAndExpired_ReportedAsDroppedWithReasonsAndNeverBatched()
    {
        var now = T0.AddMilliseconds(5);
        var pending = new IBatchCandidate[]
        {
            Item(cancelled: true),
            Item(deadline: now),
            Item(deadline: now.AddTicks(1)),
            Item(deadline: T0),
        };

        var plan = Policy(delay: TimeSpan.Zero).Plan(pending, now);

        Assert.Equal([(0, DropReason.Cancelled), (1, DropReason.Expired), (3, DropReason.Expired)], plan.Dropped);
        Assert.Equal([2], plan.Batch);
    }

    [Fact]
    public void Plan_OldestDropped_NextLiveItemAnchorsTheWait()
    {
        var pending = new IBatchCandidate[] { Item(enqueuedMs: 0, cancelled: true), Item(enqueuedMs: 4) };

        var plan = Policy().Plan(pending, T0.AddMilliseconds(5));

        Assert.Equal([(0, DropReason.Cancelled)], plan.Dropped);
        Assert.False(plan.HasBatch);
        Assert.Equal(T0.AddMilliseconds(4) + Delay, plan.WakeAt);
    }

    [Fact]
    public void Plan_Flush_DispatchesWithoutWaitingForCompany()
    {
        var plan = Policy(delay: TimeSpan.FromHours(1)).Plan([Item(), Item()], T0, flush: true);

        Assert.Equal([0, 1], plan.Batch);
        Assert.Null(plan.WakeAt);
    }

    [Fact]
    public void Plan_AllDropped_GivesNoBatchAndNoWakeAt()
    {
        var plan = Policy().Plan([Item(cancelled: true), Item(deadline: T0)], T0);

        Assert.False(plan.HasBatch);
        Assert.Null(plan.WakeAt);
        Assert.Equal([(0, DropReason.Cancelled), (1, DropReason.Expired)], plan.Dropped);
    }

    [Fact]
    public void Plan_NothingPending_GivesNoBatchAndNoWakeAt()
    {
        var plan = Policy().Plan([], T0);

        Assert.False(plan.HasBatch);
        Assert.Empty(plan.Dropped);
        Assert.Null(plan.WakeAt);
    }

    [Theory]
    [InlineData(0, 512, 2, 10, 1, "maxBatchSize")]
    [InlineData(8, 100, 2, 10, 1, "maxBatchTokens (100)")]
    [InlineData(8, 512, -1, 10, 1, "maxQueueDelayMs")]
    [InlineData(8, 512, 2, 0, 1, "queueCapacity")]
    [InlineData(8, 512, 2, 10, 0, "instances")]
    public void BatchLimitsCheck_InconsistentSetting_NamesIt(int size, int tokens, int delayMs, int capacity, int instances, string expected)
    {
        var problem = new BatchLimits(size, tokens, TimeSpan.FromMilliseconds(delayMs), capacity, instances).Check(maxSequenceLength: 128);

        Assert.NotNull(problem);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchLimitsCheck_QueueDelayNotBelowMaxQueueTime_NamesBoth()
    {
        var problem = new BatchLimits(8, 512, TimeSpan.FromMilliseconds(1000), 10, 1, TimeSpan.FromMilliseconds(1000)).Check(maxSequenceLength: 128);

        Assert.StartsWith("maxQueueDelayMs (1000) must be below maxQueueTimeMs (1000)", problem, StringComparison.Ordinal);
        Assert.Null(new BatchLimits(8, 512, TimeSpan.FromMilliseconds(999), 10, 1, TimeSpan.FromMilliseconds(1000)).Check(maxSequenceLength: 128));
    }

    [Fact]
    public void BatchLimitsCheck_ConsistentSettings_ReturnsNull()
    {
        Assert.Null(new BatchLimits(8, 128, TimeSpan.Zero, 1, 1).Check(maxSequenceLength: 128));
    }

    private sealed record Candidate(DateTimeOffset EnqueuedAt, DateTimeOffset Deadline, int Tokens, bool IsCancelled) : IBatchCandidate;
}
