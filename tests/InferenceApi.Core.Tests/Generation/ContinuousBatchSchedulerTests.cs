using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Core.Tests.Generation;

public sealed class ContinuousBatchSchedulerTests : IAsyncLifetime
{
    private readonly GatedDecoderSession _session = new();
    private readonly FakeTimeProvider _time = new();
    private readonly TestMeterFactory _meters = new();
    private ContinuousBatchScheduler _scheduler = null!;

    public Task InitializeAsync()
    {
        _scheduler = Create(new ContinuousBatchLimits(MaxRunning: 4, MaxBatchTokens: 64, QueueCapacity: 2));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _session.Dispose();
        await _scheduler.DisposeAsync();
        _meters.Dispose();
    }

    [Fact]
    public async Task ShortSequence_JoiningALongOne_FinishesWhileTheLongOneStillRuns()
    {
        var longOne = new ScriptedSequence([1, 2, 3], tokensToGenerate: 50);
        var shortOne = new ScriptedSequence([1], tokensToGenerate: 3);
        Assert.Null(_scheduler.TryEnqueue(longOne));
        await _session.StepAsync();
        await _session.StepAsync();

        // Once the loop has assembled its third step (it waits at the gate), the short one can only join the fourth.
        await _session.WaitUntilAtGateAsync();
        Assert.Null(_scheduler.TryEnqueue(shortOne));
        for (var step = 0; step < 4; step++)
        {
            await _session.StepAsync();
        }

        Assert.Null(await shortOne.Done.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, shortOne.Advances);
        Assert.Equal(6, longOne.Advances);
        Assert.False(longOne.Done.IsCompleted);
        Assert.Equal([1, 1, 1, 2, 2, 2], _session.BatchSizes);
    }

    [Fact]
    public async Task RunningCap_HoldsTheRestUntilASeatFrees()
    {
        await using var scheduler = Create(new ContinuousBatchLimits(MaxRunning: 2, MaxBatchTokens: 64, QueueCapacity: 4));
        var sequences = new[] { new ScriptedSequence([1], 1), new ScriptedSequence([1], 3), new ScriptedSequence([1], 1) };
        foreach (var sequence in sequences)
        {
            Assert.Null(scheduler.TryEnqueue(sequence));
        }

        await _session.StepAsync();
        await _session.StepAsync();
        await _session.StepAsync();
        await sequences[1].Done.WaitAsync(TimeSpan.FromSeconds(10));

        // First step: two seats; the first sequence finishes, so the third takes its seat in the second step.
        Assert.Equal([2, 2, 1], _session.BatchSizes);
        Assert.Equal(1, sequences[2].Advances);
    }

    [Fact]
    public async Task TokenBudget_AdmitsOnlyWhatFits_ButNeverStarvesAnEmptyBatch()
    {
        await using var scheduler = Create(new ContinuousBatchLimits(MaxRunning: 8, MaxBatchTokens: 10, QueueCapacity: 4));
        var big = new ScriptedSequence([1], tokensToGenerate: 2, maxTotalTokens: 12);
        var next = new ScriptedSequence([1], tokensToGenerate: 1, maxTotalTokens: 6);
        Assert.Null(scheduler.TryEnqueue(big));
        Assert.Null(scheduler.TryEnqueue(next));

        await _session.StepAsync();
        await _session.StepAsync();
        await _session.StepAsync();
        await next.Done.WaitAsync(TimeSpan.FromSeconds(10));

        // The oversized sequence runs alone (the batch was empty); the next joins only after it leaves.
        Assert.Equal([1, 1, 1], _session.BatchSizes);
    }

    [Fact]
    public async Task FullWaitingQueue_AnswersOverloadedAtOnce()
    {
        var running = new ScriptedSequence([1], 10);
        Assert.Null(_scheduler.TryEnqueue(running));
        await _session.StepAsync();
        Assert.Null(_scheduler.TryEnqueue(new ScriptedSequence([1], 1)));
        Assert.Null(_scheduler.TryEnqueue(new ScriptedSequence([1], 1)));

        var refused = _scheduler.TryEnqueue(new ScriptedSequence([1], 1));

        Assert.Equal(ErrorKind.Overloaded, refused?.Kind);
        Assert.Equal(2, refused?.Limit);
        Assert.StartsWith("Model 'gpt' is overloaded: its queue holds 2 requests and is full.", refused?.Message);
    }

    [Fact]
    public async Task FullWaitingQueue_RetryAfter_FollowsHowLongGenerationsTake()
    {
        await using var scheduler = Create(new ContinuousBatchLimits(MaxRunning: 1, MaxBatchTokens: 64, QueueCapacity: 3));
        await TenSecondGenerationOnRecordAsync(scheduler);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(scheduler.TryEnqueue(new ScriptedSequence([1], 1)));
        }

        var refused = scheduler.TryEnqueue(new ScriptedSequence([1], 1));

        // Three generations ahead, one at a time, each 5.5 s on the average (it rises half the way from the first guess of 1 s
        // to the 10 s on record): 16.5 s, so 17.
        Assert.Equal(ErrorKind.Overloaded, refused?.Kind);
        Assert.Equal(TimeSpan.FromSeconds(17), refused?.RetryAfter);
        _session.RunFreely();
    }

    [Fact]
    public async Task WaitForASeatOverMaxQueueTime_AnswersOverloadedAtOnce_WithRetryAfter()
    {
        await using var scheduler = Create(new ContinuousBatchLimits(MaxRunning: 1, MaxBatchTokens: 64, QueueCapacity: 8, MaxQueueTime: TimeSpan.FromSeconds(6)));
        await TenSecondGenerationOnRecordAsync(scheduler);

        // A generation takes 5.5 s on the average (half way from the first guess of 1 s to 10 s) and the one seat is taken:
        // the first in line expects 5.5 s, within 6 s; the second 11 s.
        Assert.Null(scheduler.TryEnqueue(new ScriptedSequence([1], 1)));
        var refused = scheduler.TryEnqueue(new ScriptedSequence([1], 1));

        Assert.Equal(ErrorKind.Overloaded, refused?.Kind);
        Assert.Equal(6000d, refused?.Limit);
        Assert.Equal(11000d, refused?.Received);
        Assert.Equal(TimeSpan.FromSeconds(5), refused?.RetryAfter);
        Assert.Equal(1, scheduler.Waiting);
        _session.RunFreely();
    }

    [Fact]
    public async Task WaitingSequence_DeadlinePassedBeforeItJoined_FailsWith504CountedAsExpired()
    {
        using var dropped = new InstrumentRecorder(_meters, "inference_dropped");
        await using var scheduler = Create(new ContinuousBatchLimits(MaxRunning: 1, MaxBatchTokens: 64, QueueCapacity: 2));
        var running = new ScriptedSequence([1], tokensToGenerate: 2);
        var late = new ScriptedSequence([1], 1) { EnqueuedAt = _time.GetUtcNow(), WaitDeadline = _time.GetUtcNow().AddSeconds(1) };
        Assert.Null(scheduler.TryEnqueue(running));
        await _session.StepAsync();
        Assert.Null(scheduler.TryEnqueue(late));

        _time.Advance(TimeSpan.FromSeconds(5));
        await _session.StepAsync();

        var error = await late.Done.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ErrorKind.DeadlineExceeded, error?.Kind);
        Assert.Equal("The request's deadline passed after 5000 ms in model 'gpt''s queue, before it ran.", error?.Message);
        Assert.Equal(0, late.Advances);
        Assert.Equal(["expired"], dropped.Tag("reason"));
    }

    [Fact]
    public async Task WaitingSequence_WaitingForASeatPastMaxQueueTime_StillJoinsWhenTheSeatFrees()
    {
        // A request's samples start together and a seat frees only when a whole generation ends: the max queue time is
        // judged at admission, and a sequence admitted to wait for a seat keeps its place however long that takes.
        using var dropped = new InstrumentRecorder(_meters, "inference_dropped");
        await using var scheduler = Create(new ContinuousBatchLimits(MaxRunning: 1, MaxBatchTokens: 64, QueueCapacity: 2, MaxQueueTime: TimeSpan.FromSeconds(2)));
        var running = new ScriptedSequence([1], tokensToGenerate: 2) { EnqueuedAt = _time.GetUtcNow() };
        Assert.Null(scheduler.TryEnqueue(running));
        await _session.StepAsync();
        var waiting = new ScriptedSequence([1], 1) { EnqueuedAt = _time.GetUtcNow() };
        Assert.Null(scheduler.TryEnqueue(waiting));

        _time.Advance(TimeSpan.FromSeconds(3));
        await _session.StepAsync();
        await _session.StepAsync();

        Assert.Null(await running.Done.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(await waiting.Done.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, waiting.Advances);
        Assert.Empty(dropped.Tag("reason"));
    }

    [Fact]
    public async Task CancelledSequences_LeaveBeforeTheirNextStep()
    {
        using var dropped = new InstrumentRecorder(_meters, "inference_dropped");
        var stays = new ScriptedSequence([1], 5);
        var leaves = new ScriptedSequence([1], 5);
        Assert.Null(_scheduler.TryEnqueue(stays));
        Assert.Null(_scheduler.TryEnqueue(leaves));
        await _session.StepAsync();

        // Once the second step is assembled (waiting at the gate), the sequence leaves before the third.
        await _session.WaitUntilAtGateAsync();
        leaves.IsCancelled = true;
        await _session.StepAsync();
        await _session.StepAsync();

        Assert.Equal(ErrorKind.Cancelled, (await leaves.Done.WaitAsync(TimeSpan.FromSeconds(10)))?.Kind);
        Assert.Equal(["cancelled"], dropped.Tag("reason"));
        Assert.Equal(2, leaves.Advances);
        Assert.Equal([2, 2, 1], _session.BatchSizes);
    }

    [Fact]
    public async Task FailingStep_FailsItsSequences_AndTheNextOnesStillRun()
    {
        var failed = new ScriptedSequence([1], 5);
        Assert.Null(_scheduler.TryEnqueue(failed));
        _session.FailNext = true;
        await _session.StepAsync();
        Assert.Equal(ErrorKind.Backend, (await failed.Done.WaitAsync(TimeSpan.FromSeconds(10)))?.Kind);

        var next = new ScriptedSequence([1], 1);
        Assert.Null(_scheduler.TryEnqueue(next));
        await _session.StepAsync();

        Assert.Null(await next.Done.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Drain_FinishesRunningSequencesAndRefusesNewOnes()
    {
        var running = new ScriptedSequence([1], 2);
        Assert.Null(_scheduler.TryEnqueue(running));
        await _session.StepAsync();

        var draining = _scheduler.DrainAsync();
        Assert.Equal(ErrorKind.Draining, _scheduler.TryEnqueue(new ScriptedSequence([1], 1))?.Kind);
        await _session.StepAsync();
        await draining.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(await running.Done);
        Assert.Equal(2, running.Advances);
    }

    [Fact]
    public async Task CutOff_EndsRunningAndWaitingSequencesWithDraining_AfterTheStepUnderWay()
    {
        await using var scheduler = Create(new ContinuousBatchLimits(MaxRunning: 1, MaxBatchTokens: 64, QueueCapacity: 4));
        var running = new ScriptedSequence([1], 50);
        var waiting = new ScriptedSequence([1], 50);
        Assert.Null(scheduler.TryEnqueue(running));
        Assert.Null(scheduler.TryEnqueue(waiting));
        await _session.StepAsync();

        // Once the second step is assembled (waiting at the gate), the cut-off ends everyone when it is done.
        await _session.WaitUntilAtGateAsync();
        scheduler.CutOff();
        Assert.Equal(ErrorKind.Draining, scheduler.TryEnqueue(new ScriptedSequence([1], 1))?.Kind);
        await _session.StepAsync();
        await scheduler.DrainAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ErrorKind.Draining, (await running.Done)?.Kind);
        Assert.Equal(ErrorKind.Draining, (await waiting.Done)?.Kind);
        Assert.Equal((2, 0), (running.Advances, waiting.Advances));
        Assert.Equal((0, 0), (scheduler.Running, scheduler.Waiting));
    }

    [Theory]
    [InlineData(0, 0, 100, true)]
    [InlineData(1, 10, 54, true)]
    [InlineData(1, 10, 55, false)]
    [InlineData(4, 0, 1, false)]
    public void Policy_AdmitsWithinCountAndTokenBudget(int running, int reserved, int candidate, bool admitted)
    {
        var policy = new ContinuousBatchPolicy(new ContinuousBatchLimits(MaxRunning: 4, MaxBatchTokens: 64, QueueCapacity: 8));

        Assert.Equal(admitted, policy.CanAdmit(running, reserved, candidate));
    }

    /// <summary>
    /// Runs a generation that ends after 10 s on the clock, with a long one taking its only seat: the first ends, the second
    /// joins, and once the second's first step ran the first is on record.
    /// </summary>
    private async Task TenSecondGenerationOnRecordAsync(ContinuousBatchScheduler scheduler)
    {
        Assert.Null(scheduler.TryEnqueue(new ScriptedSequence([1], tokensToGenerate: 2) { EnqueuedAt = _time.GetUtcNow() }));
        await _session.StepAsync();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(scheduler.TryEnqueue(new ScriptedSequence([1], tokensToGenerate: 50) { EnqueuedAt = _time.GetUtcNow() }));
        await _session.StepAsync();
        await _session.StepAsync();
    }

    private ContinuousBatchScheduler Create(ContinuousBatchLimits limits) =>
        new(new SchedulerLabel("gpt", 1), limits, _session, 0, _time, new InferenceMetrics(_meters), NullLogger.Instance);
}
