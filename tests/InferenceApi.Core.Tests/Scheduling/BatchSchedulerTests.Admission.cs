using InferenceApi.Core.Errors;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Tests.Scheduling;

/// <summary>
/// Admission by expected wait and the max queue time: refused at once when the queue ahead would hold a request too
/// long, and dropped before it runs when it still has not started at the max queue time.
/// </summary>
public sealed partial class BatchSchedulerTests
{
    [Fact]
    public async Task TryEnqueue_ExpectedWaitOverMaxQueueTime_RefusedAtOnceWithRetryAfter_AndTheAdmittedRunOrLeaveAtTheMaxQueueTime()
    {
        var runner = new RecordingRunner(gated: true, _clock, computeTime: TimeSpan.FromMilliseconds(550));
        await using var scheduler = Create(runner, Limits(maxBatchSize: 1, maxQueueTime: TimeSpan.FromSeconds(1)));
        await MeasureOneBatchThenHoldTheInstanceAsync(scheduler, runner);

        // One request took 550 ms: the average rose half the way from the first guess (50 ms for a batch of one), to 300 ms
        // a round. A newcomer waits for the round running now and one round per request ahead: with 2 ahead 900 ms,
        // which is allowed; with 3, 1,200 ms is not.
        var admitted = Enumerable.Range(0, 3).Select(i => Item($"w{i}")).ToArray();
        foreach (var item in admitted)
        {
            Assert.Null(scheduler.TryEnqueue([item]));
        }

        var error = scheduler.TryEnqueue([Item("late")]);

        Assert.Equal(ErrorKind.Overloaded, error?.Kind);
        Assert.Equal("Model 'tiny-bert' is overloaded: a request now would wait about 1200 ms in its queue, and it may wait at most 1000 ms.", error?.Message);
        Assert.Equal(1000d, error?.Limit);
        Assert.Equal(1200d, error?.Received);
        Assert.Equal(TimeSpan.FromSeconds(1), error?.RetryAfter);
        Assert.Equal(3, scheduler.QueueDepth);

        runner.OpenGate();
        await Task.WhenAll(admitted.Select(i => i.Completion)).WaitAsync(SafetyTimeout);
        Assert.DoesNotContain("late", runner.AllInputs);

        // The estimate (300 ms a round) was short of the 550 ms the rounds really took: w0 ran after 550 ms, and w1 and w2,
        // still waiting at 1,100 ms, left with 429 instead of running later than the max queue time.
        Assert.True((await Complete(admitted[0])).IsSuccess);
        Assert.Equal(ErrorKind.Overloaded, (await Complete(admitted[1])).Error?.Kind);
        Assert.Equal(ErrorKind.Overloaded, (await Complete(admitted[2])).Error?.Kind);
        Assert.DoesNotContain("w1", runner.AllInputs);
    }

    [Fact]
    public async Task TryEnqueue_ExpectedWaitPastTheRequestsDeadline_RefusedEvenUnderMaxQueueTime()
    {
        var runner = new RecordingRunner(gated: true, _clock, computeTime: TimeSpan.FromMilliseconds(550));
        await using var scheduler = Create(runner, Limits(maxBatchSize: 1, maxQueueTime: TimeSpan.FromSeconds(10)));
        await MeasureOneBatchThenHoldTheInstanceAsync(scheduler, runner);
        WorkItem<string, string>[] ahead = [Item("a"), Item("b")];
        Assert.Null(scheduler.TryEnqueue(ahead));

        // The running round and two ahead at 300 ms each: a request that may wait 850 ms more is refused, one that may
        // wait 900 ms is not.
        var error = scheduler.TryEnqueue([Item("hurried", deadline: _clock.GetUtcNow().AddMilliseconds(850))]);
        var patient = Item("patient", deadline: _clock.GetUtcNow().AddMilliseconds(900));

        Assert.Equal(ErrorKind.Overloaded, error?.Kind);
        Assert.Equal(850d, error?.Limit);
        Assert.Equal(900d, error?.Received);
        Assert.Null(scheduler.TryEnqueue([patient]));
        runner.OpenGate();
        await Task.WhenAll(ahead.Select(i => i.Completion)).WaitAsync(SafetyTimeout);
    }

    [Fact]
    public async Task TryEnqueue_AdmittedButStillWaitingPastMaxQueueTime_LeavesOverloadedBeforeItRuns()
    {
        // Admission priced the wait from the batches it had seen; this batch then ran far longer (the machine slowed).
        var runner = new RecordingRunner(gated: true);
        await using var scheduler = Create(runner, Limits(delay: TimeSpan.Zero, maxQueueTime: TimeSpan.FromSeconds(1)));
        Assert.Null(scheduler.TryEnqueue([Item("running")]));
        await runner.WaitForEnteredAsync();
        var early = Item("early");
        Assert.Null(scheduler.TryEnqueue([early]));
        _clock.Advance(TimeSpan.FromMilliseconds(600));
        var later = Item("later");
        Assert.Null(scheduler.TryEnqueue([later]));

        _clock.Advance(TimeSpan.FromMilliseconds(500));
        runner.OpenGate();

        var refused = await Complete(early);
        Assert.Equal(ErrorKind.Overloaded, refused.Error?.Kind);
        Assert.Equal("Model 'tiny-bert' is overloaded: this request waited 1100 ms in its queue, longer than the model's MaxQueueTimeMs, and was not run.", refused.Error?.Message);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.Error?.RetryAfter);
        var served = await Complete(later);
        Assert.True(served.IsSuccess);
        Assert.Equal(TimeSpan.FromMilliseconds(500), served.Value.QueueTime);
        Assert.DoesNotContain("early", runner.AllInputs);
        Assert.Equal(0, scheduler.QueueDepth);
    }

    [Fact]
    public async Task TryEnqueue_RequestOfMoreInputsThanABatch_ItsLaterInputsRunPastMaxQueueTimeOnceItStarted()
    {
        // One input a batch at 600 ms each: the third starts 1,200 ms after the request was admitted. The max queue time
        // bounds the request's wait to start, not its own inputs' wait behind each other.
        var runner = new RecordingRunner(clock: _clock, computeTime: TimeSpan.FromMilliseconds(600));
        await using var scheduler = Create(runner, Limits(maxBatchSize: 1, maxQueueTime: TimeSpan.FromSeconds(1)));
        WorkItem<string, string>[] inputs = [Item("a"), Item("b"), Item("c")];

        Assert.Null(scheduler.TryEnqueue(inputs));

        foreach (var input in inputs)
        {
            Assert.True((await Complete(input)).IsSuccess);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(1200), (await Complete(inputs[2])).Value.QueueTime);
        Assert.Equal(["a", "b", "c"], runner.AllInputs);
    }

    [Fact]
    public async Task DrainAsync_ItemQueuedPastMaxQueueTime_StillRunsWhatWasAdmitted()
    {
        var runner = new RecordingRunner(gated: true);
        var scheduler = Create(runner, Limits(delay: TimeSpan.Zero, maxQueueTime: TimeSpan.FromSeconds(1)));
        Assert.Null(scheduler.TryEnqueue([Item("running")]));
        await runner.WaitForEnteredAsync();
        var queued = Item("queued");
        Assert.Null(scheduler.TryEnqueue([queued]));
        _clock.Advance(TimeSpan.FromSeconds(2));

        var draining = scheduler.DrainAsync();
        runner.OpenGate();
        await draining.WaitAsync(SafetyTimeout);

        Assert.True((await Complete(queued)).IsSuccess);
        await scheduler.DisposeAsync();
    }

    /// <summary>Runs one request through an open gate, so the scheduler has measured one batch, then holds the next one at the closed gate.</summary>
    private async Task MeasureOneBatchThenHoldTheInstanceAsync(BatchScheduler<string, string> scheduler, RecordingRunner runner)
    {
        var first = Item("first");
        Assert.Null(scheduler.TryEnqueue([first]));
        await runner.WaitForEnteredAsync();
        runner.OpenGate();
        Assert.True((await Complete(first)).IsSuccess);
        runner.CloseGate();
        Assert.Null(scheduler.TryEnqueue([Item("busy")]));
        await runner.WaitForEnteredAsync();
    }
}
