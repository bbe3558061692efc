using InferenceApi.Core.Errors;

namespace InferenceApi.Core.Tests.Scheduling;

// RunAsync's path without hand-offs: a request that finds nothing queued and an instance free runs on its own thread,
// and every other case still goes through the queue.
public sealed partial class BatchSchedulerTests
{
    [Fact]
    public async Task RunAsync_NothingQueuedAndAnInstanceFree_RunsOnTheCallersThreadBeforeReturning()
    {
        var runner = new RecordingRunner();
        await using var scheduler = Create(runner, Limits(delay: TimeSpan.Zero));

        var run = scheduler.RunAsync(["a", "b"], static _ => 4, _clock.GetUtcNow().AddHours(1), CancellationToken.None);

        // Completed when the call returned: no other thread was woken to run it or to answer it.
        Assert.True(run.IsCompleted);
        var result = await run;
        Assert.True(result.IsSuccess);
        Assert.Equal(["A", "B"], result.Value.Select(t => t.Value));
        Assert.All(result.Value, t => Assert.Equal((2, TimeSpan.Zero), (t.BatchSize, t.QueueTime)));
        Assert.Equal([["a", "b"]], runner.Batches.Select(b => b.Inputs));
    }

    [Fact]
    public async Task RunAsync_InstanceBusy_QueuesAndRunsAfterTheRunningBatch()
    {
        var runner = new RecordingRunner(gated: true);
        await using var scheduler = Create(runner, Limits(delay: TimeSpan.Zero));
        Assert.Null(scheduler.TryEnqueue([Item("first")]));
        await runner.WaitForEnteredAsync();

        var run = scheduler.RunAsync(["second"], static _ => 4, _clock.GetUtcNow().AddHours(1), CancellationToken.None);

        Assert.False(run.IsCompleted);
        Assert.Equal(1, scheduler.QueueDepth);
        runner.OpenGate();
        var result = await run.WaitAsync(SafetyTimeout);
        Assert.True(result.IsSuccess);
        Assert.Equal("SECOND", result.Value[0].Value);
        Assert.Equal([["first"], ["second"]], runner.Batches.Select(b => b.Inputs));
        Assert.Equal(1, runner.MaxConcurrent);
    }

    [Fact]
    public async Task RunAsync_QueueDelayConfigured_WaitsForCompanyInsteadOfRunningAtOnce()
    {
        var runner = new RecordingRunner();
        await using var scheduler = Create(runner, Limits(maxBatchSize: 4, delay: TimeSpan.FromMilliseconds(100)));

        var run = scheduler.RunAsync(["a"], static _ => 4, _clock.GetUtcNow().AddHours(1), CancellationToken.None);
        await _clock.NextTimerDueAsync();
        var companion = scheduler.RunAsync(["b"], static _ => 4, _clock.GetUtcNow().AddHours(1), CancellationToken.None);

        Assert.False(run.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        await Task.WhenAll(run, companion).WaitAsync(SafetyTimeout);
        Assert.Equal([["a", "b"]], runner.Batches.Select(b => b.Inputs));
    }

    [Fact]
    public async Task RunAsync_AfterDrain_RefusedAsDrainingWithoutRunning()
    {
        var runner = new RecordingRunner();
        await using var scheduler = Create(runner, Limits(delay: TimeSpan.Zero));
        await scheduler.DrainAsync().WaitAsync(SafetyTimeout);

        var result = await scheduler.RunAsync(["late"], static _ => 4, _clock.GetUtcNow().AddHours(1), CancellationToken.None);

        Assert.Equal(ErrorKind.Draining, result.Error?.Kind);
        Assert.Empty(runner.Batches);
    }
}
