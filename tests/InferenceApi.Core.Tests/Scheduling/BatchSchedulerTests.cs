using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceApi.Core.Tests.Scheduling;

/// <summary>
/// The channel loop around <see cref="BatchPolicy"/>, driven by a fake clock and a runner that records
/// batches and can hold an instance busy. Real-time timeouts appear only as a guard against hangs.
/// </summary>
public sealed partial class BatchSchedulerTests : IDisposable
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(10);
    private static readonly SchedulerLabel Label = new("tiny-bert", 3);

    private readonly ObservableTimeProvider _clock = new();
    private readonly TestMeterFactory _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task TryEnqueue_RequestsArriveWhileOnlyInstanceIsBusy_RunTogetherWhenItFrees()
    {
        var runner = new RecordingRunner(gated: true);
        await using var scheduler = Create(runner, Limits(delay: TimeSpan.Zero));
        var first = Item("a");
        Assert.Null(scheduler.TryEnqueue([first]));
        await runner.WaitForEnteredAsync();

        WorkItem<string, string>[] waiting = [Item("b"), Item("c"), Item("d")];
        Assert.Null(scheduler.TryEnqueue([waiting[0]]));
        Assert.Null(scheduler.TryEnqueue([waiting[1], waiting[2]]));
        Assert.Equal(3, scheduler.QueueDepth);
        runner.OpenGate();

        foreach (var item in waiting)
        {
            var result = await Complete(item);
            Assert.True(result.IsSuccess);
            Assert.Equal(item.Input.ToUpperInvariant(), result.Value.Value);
            Assert.Equal(3, result.Value.BatchSize);
        }

        Assert.Equal([["a"], ["b", "c", "d"]], runner.Batches.Select(b => b.Inputs));
        Assert.Equal(0, scheduler.QueueDepth);
    }

    [Fact]
    public async Task TryEnqueue_MoreWaitingThanMaxBatchSize_SplitsIntoBatchesOfAtMostMax()
    {
        var runner = new RecordingRunner(gated: true);
        await using var scheduler = Create(runner, Limits(maxBatchSize: 2, delay: TimeSpan.Zero));
        Assert.Null(scheduler.TryEnqueue([Item("a")]));
        await runner.WaitForEnteredAsync();

        WorkItem<string, string>[] waiting = [Item("b"), Item("c"), Item("d"), Item("e"), Item("f")];
        Assert.Null(scheduler.TryEnqueue(waiting));
        runner.OpenGate();
        await Task.WhenAll(waiting.Select(i => i.Completion)).WaitAsync(SafetyTimeout);

        Assert.Equal([["a"], ["b", "c"], ["d", "e"], ["f"]], runner.Batches.Select(b => b.Inputs));
    }

    [Fact]
    public async Task TryEnqueue_PartialBatch_RunsOnlyOnceMaxQueueDelayHasPassed()
    {
        var runner = new RecordingRunner();
        await using var scheduler = Create(runner, Limits(maxBatchSize: 4, delay: TimeSpan.FromMilliseconds(100)));
        var enqueuedAt = _clock.GetUtcNow();
        WorkItem<string, string>[] items = [Item("a"), Item("b")];

        Assert.Null(scheduler.TryEnqueue(items));

        // The loop arms a timer for the oldest request's enqueue time plus the delay, and runs nothing yet.
        Assert.Equal(enqueuedAt.AddMilliseconds(100), await _clock.NextTimerDueAsync());
        _clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Empty(runner.Batches);
        Assert.False(items[0].Completion.IsCompleted);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var result = await Complete(items[0]);

        Assert.True(result.IsSuccess);
        Assert.Equal(TimeSpan.FromMilliseconds(100), result.Value.QueueTime);
        Assert.Equal([["a", "b"]], runner.Batches.Select(b => b.Inputs));
    }

    [Fact]
    public async Task TryEnqueue_QueueFull_RefusesWholeRequestAsOverloadedAndRunsNoneOfIt()
    {
        var runner = new RecordingRunner(gated: true);
        await using var scheduler = Create(runner, Limits(capacity: 4, delay: TimeSpan.Zero));
        Assert.Null(scheduler.TryEnqueue([Item("a")]));
        await runner.WaitForEnteredAsync();
        WorkItem<string, string>[] admitted = [Item("b"), Item("c")];
        Assert.Null(scheduler.TryEnqueue(admitted));

        // Two slots are free; a three-input request gets none of them.
        WorkItem<string, string>[] refused = [Item("x"), Item("y"), Item("z")];
        var error = scheduler.TryEnqueue(refused);

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Overloaded, error.Kind);
        Assert.Equal(4, error.Limit);
        Assert.NotNull(error.RetryAfter);
        Assert.True(error.RetryAfter >= TimeSpan.FromSeconds(1), $"RetryAfter was {error.RetryAfter}");
        Assert.Contains("tiny-bert", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, scheduler.QueueDepth);

        runner.OpenGate();
        await Task.WhenAll(admitted.Select(i => i.Completion)).WaitAsync(SafetyTimeout);
        await scheduler.DrainAsync().WaitAsync(SafetyTimeout);

        Assert.Equal(["a", "b", "c"], runner.AllInputs);
        Assert.All(refused, i => Assert.False(i.Completion.IsCompleted));
    }

    [Fact]
    public async Task TryEnqueue_RequestLargerThanQueueCapacity_IsAValidationErrorNamingTheLimit()
    {
        var runner = new RecordingRunner();
        await using var scheduler = Create(runner, Limits(capacity: 2));

        var error = scheduler.TryEnqueue([Item("a"), Item("b"), Item("c")]);

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal(2, error.Limit);
        Assert.Equal(3, error.Received);
        Assert.Equal(0, scheduler.QueueDepth);
    }

    [Fact]
    public async Task TryEnqueue_ItemCancelledWhileWaiting_CompletesCancelledAndNeverReachesTheRunner()
    {
        var runner = new RecordingRunner(gated: true);
        await using var scheduler = Create(runner, Limits(delay: TimeSpan.Zero));
        Assert.Null(scheduler.TryEnqueue([Item("a")]));
        await runner.WaitForEnteredAsync();
        using var client = new CancellationTokenSource();
        var cancelled = Item("gone", cancellation: client.Token);
        var kept = Item("kept");
        Assert.Null(scheduler.TryEnqueue([cancelled, kept]));

        await client.CancelAsync();
        runner.OpenGate();

        var result = await Complete(cancelled);
        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Cancelled, result.Error.Kind);
        Assert.True((await Complete(kept)).IsSuccess);
        Assert.DoesNotContain("gone", runner.AllInputs);
        Assert.Equal(0, scheduler.QueueDepth);
    }

    [Fact]
    public async Task TryEnqueue_DroppedItemBetweenBatchedOnes_BatchesExactlyThePlannedItems()
    {
        var runner = new RecordingRunner(gated: true);
        await using var scheduler = Create(runner, Limits(maxBatchSize: 2, delay: TimeSpan.Zero));
        Assert.Null(scheduler.TryEnqueue([Item("a")]));
        await runner.WaitForEnteredAsync();
        using var client = new CancellationTokenSource();
        WorkItem<string, string>[] items = [Item("x"), Item("gone", cancellation: client.Token), Item("y"), Item("z")];
        Assert.Null(scheduler.TryEnqueue(items));

        await client.CancelAsync();
        runner.OpenGate();
        await Task.WhenAll(items.Select(i => i.Completion)).WaitAsync(SafetyTimeout);

        // Arrival order survives the drop: x and y share a batch, z runs after them.
        Assert.Equal([["a"], ["x", "y"], ["z"]], runner.Batches.Select(b => b.Inputs));
        Assert.Equal(ErrorKind.Cancelled, (await Complete(items[1])).Error?.Kind);
    }

    [Fact]
    public async Task TryEnqueue_DeadlinePassesWhileWaiting_CompletesDeadlineExceededWithoutRunning()
    {
        var runner = new RecordingRunner(gated: true);
        await using var scheduler = Create(runner, Limits(delay: TimeSpan.Zero));
        Assert.Null(scheduler.TryEnqueue([Item("a")]));
        await runner.WaitForEnteredAsync();
        var expiring = Item("late", deadline: _clock.GetUtcNow().AddSeconds(1));
        var patient = Item("patient");
        Assert.Null(scheduler.TryEnqueue([expiring, patient]));

        _clock.Advance(TimeSpan.FromSeconds(2));
        runner.OpenGate();

        var result = await Complete(expiring);
        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.DeadlineExceeded, result.Error.Kind);
        var survivor = await Complete(patient);
        Assert.True(survivor.IsSuccess);
        Assert.Equal(TimeSpan.FromSeconds(2), survivor.Value.QueueTime);
        Assert.DoesNotContain("late", runner.AllInputs);
    }

    [Fact]
    public async Task TryEnqueue_RunnerThrows_EveryItemOfThatBatchFailsAsBackendAndLaterRequestsStillRun()
    {
        var runner = new RecordingRunner();
        await using var scheduler = Create(runner, Limits(maxBatchSize: 2, delay: TimeSpan.FromHours(1)));
        WorkItem<string, string>[] doomed = [Item(RecordingRunner.FailingInput), Item("bystander")];
        Assert.Null(scheduler.TryEnqueue(doomed));

        foreach (var item in doomed)
        {
            var result = await Complete(item);
            Assert.False(result.IsSuccess);
            Assert.Equal(ErrorKind.Backend, result.Error.Kind);
            Assert.Contains("the runtime fell over", result.Error.Message, StringComparison.Ordinal);
        }

        WorkItem<string, string>[] next = [Item("x"), Item("y")];
        Assert.Null(scheduler.TryEnqueue(next));
        Assert.Equal("X", (await Complete(next[0])).Value.Value);
        Assert.Equal("Y", (await Complete(next[1])).Value.Value);
        Assert.Equal([[RecordingRunner.FailingInput, "bystander"], ["x", "y"]], runner.Batches.Select(b => b.Inputs));
    }

    [Fact]
    public async Task TryEnqueue_TwoInstances_RunTwoBatchesAtOnceOnDistinctInstances()
    {
        var runner = new RecordingRunner(gated: true);
        await using var scheduler = Create(runner, Limits(maxBatchSize: 1, delay: TimeSpan.Zero, instances: 2));
        var a = Item("a");
        var b = Item("b");

        Assert.Null(scheduler.TryEnqueue([a]));
        Assert.Null(scheduler.TryEnqueue([b]));

        // Both batches are inside the runner while the gate is still closed.
        await runner.WaitForEnteredAsync(2);
        Assert.Equal(2, runner.MaxConcurrent);
        Assert.Equal([0, 1], runner.Batches.Select(x => x.Instance).Order());

        runner.OpenGate();
        Assert.True((await Complete(a)).IsSuccess);
        Assert.True((await Complete(b)).IsSuccess);
    }

    [Fact]
    public async Task TryEnqueue_OneInstance_NeverRunsTwoBatchesAtOnce()
    {
        var runner = new RecordingRunner(gated: true);
        await using var scheduler = Create(runner, Limits(maxBatchSize: 1, delay: TimeSpan.Zero));
        WorkItem<string, string>[] items = [Item("a"), Item("b"), Item("c")];

        Assert.Null(scheduler.TryEnqueue(items));
        await runner.WaitForEnteredAsync();
        runner.OpenGate();
        await Task.WhenAll(items.Select(i => i.Completion)).WaitAsync(SafetyTimeout);

        Assert.Equal(1, runner.MaxConcurrent);
        Assert.Equal(3, runner.Batches.Count);
        Assert.All(runner.Batches, b => Assert.Equal(0, b.Instance));
    }

    /// <summary>A scheduler whose one instance runs [a1, a2] (held at the gate) with "b" queued behind it.</summary>
    private async Task<(BatchScheduler<string, string> Scheduler, RecordingRunner Runner, WorkItem<string, string>[] Busy, WorkItem<string, string> Queued)> OneBatchRunningOneQueuedAsync()
    {
        var runner = new RecordingRunner(gated: true);
        var scheduler = Create(runner, Limits(maxBatchSize: 2, delay: TimeSpan.FromHours(1)));
        WorkItem<string, string>[] busy = [Item("a1"), Item("a2")];
        Assert.Null(scheduler.TryEnqueue(busy));
        await runner.WaitForEnteredAsync();
        var queued = Item("b");
        Assert.Null(scheduler.TryEnqueue([queued]));
        return (scheduler, runner, busy, queued);
    }

    [Fact]
    public async Task DrainAsync_WorkAlreadyQueued_RunsItWithoutWaitingForTheDelayThenRefusesNewWork()
    {
        var (scheduler, runner, _, queued) = await OneBatchRunningOneQueuedAsync();
        await using var disposing = scheduler;

        var drain = scheduler.DrainAsync();
        var refused = scheduler.TryEnqueue([Item("c")]);
        Assert.False(drain.IsCompleted);
        runner.OpenGate();
        await drain.WaitAsync(SafetyTimeout);

        Assert.NotNull(refused);
        Assert.Equal(ErrorKind.Draining, refused.Kind);
        Assert.True((await Complete(queued)).IsSuccess);
        Assert.Equal([["a1", "a2"], ["b"]], runner.Batches.Select(b => b.Inputs));
        Assert.Equal(ErrorKind.Draining, scheduler.TryEnqueue([Item("d")])?.Kind);
    }

    [Fact]
    public async Task CutOff_EndsQueuedWorkWithDraining_WhileTheRunningBatchFinishes()
    {
        var (scheduler, runner, busy, queued) = await OneBatchRunningOneQueuedAsync();
        await using var disposing = scheduler;

        scheduler.CutOff();
        var refused = scheduler.TryEnqueue([Item("c")]);
        runner.OpenGate();
        await scheduler.DrainAsync().WaitAsync(SafetyTimeout);

        Assert.Equal(ErrorKind.Draining, refused?.Kind);
        Assert.True((await Complete(busy[1])).IsSuccess);
        var cut = await Complete(queued);
        Assert.Equal((ErrorKind.Draining, TimeSpan.FromSeconds(1)), (cut.Error!.Kind, cut.Error.RetryAfter));
        Assert.Equal([["a1", "a2"]], runner.Batches.Select(b => b.Inputs));
        Assert.Equal(0, scheduler.QueueDepth);
    }

    [Fact]
    public async Task DrainAsync_WhileLoopWaitsForCompany_FlushesTheWaitingBatch()
    {
        var runner = new RecordingRunner();
        await using var scheduler = Create(runner, Limits(delay: TimeSpan.FromHours(1)));
        var waiting = Item("lonely");
        Assert.Null(scheduler.TryEnqueue([waiting]));
        await _clock.NextTimerDueAsync();

        await scheduler.DrainAsync().WaitAsync(SafetyTimeout);

        Assert.True(waiting.Completion.IsCompleted);
        Assert.True((await Complete(waiting)).IsSuccess);
        Assert.Equal([["lonely"]], runner.Batches.Select(b => b.Inputs));
    }

    [Fact]
    public async Task Completion_Succeeded_ReportsQueueTimeComputeTimeAndBatchSize()
    {
        var runner = new RecordingRunner(clock: _clock, computeTime: TimeSpan.FromMilliseconds(25));
        await using var scheduler = Create(runner, Limits(maxBatchSize: 4, delay: TimeSpan.FromMilliseconds(40)));
        WorkItem<string, string>[] items = [Item("a"), Item("b")];
        Assert.Null(scheduler.TryEnqueue(items));
        await _clock.NextTimerDueAsync();

        _clock.Advance(TimeSpan.FromMilliseconds(40));

        foreach (var item in items)
        {
            var timed = (await Complete(item)).Value;
            Assert.Equal(TimeSpan.FromMilliseconds(40), timed.QueueTime);
            Assert.Equal(TimeSpan.FromMilliseconds(25), timed.ComputeTime);
            Assert.Equal(2, timed.BatchSize);
        }
    }

    [Fact]
    public async Task Execute_BatchRunsAndItemIsDropped_RecordsBatchAndDropMetrics()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == _meters)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((i, value, tags, _) => measurements.Enqueue((i.Name, value, Reason(tags))));
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) => measurements.Enqueue((i.Name, value, Reason(tags))));
        listener.SetMeasurementEventCallback<double>((i, value, tags, _) => measurements.Enqueue((i.Name, value, Reason(tags))));
        listener.Start();

        var runner = new RecordingRunner(gated: true);
        await using var scheduler = Create(runner, Limits(delay: TimeSpan.Zero));
        Assert.Null(scheduler.TryEnqueue([Item("a", tokens: 7)]));
        await runner.WaitForEnteredAsync();
        using var client = new CancellationTokenSource();
        var cancelled = Item("gone", cancellation: client.Token);
        WorkItem<string, string>[] batch = [Item("b", tokens: 3), Item("c", tokens: 5)];
        Assert.Null(scheduler.TryEnqueue([cancelled, .. batch]));
        await client.CancelAsync();
        runner.OpenGate();
        await Task.WhenAll(batch.Select(i => i.Completion)).WaitAsync(SafetyTimeout);

        var recorded = measurements.ToArray();
        Assert.Equal([1d, 2d], recorded.Where(m => m.Instrument == "inference_batch_size").Select(m => m.Value));
        Assert.Equal([7d, 10d], recorded.Where(m => m.Instrument == "inference_batch_tokens").Select(m => m.Value));
        Assert.Equal([("inference_dropped", 1d, "cancelled")], recorded.Where(m => m.Instrument == "inference_dropped"));
        Assert.Equal(3, recorded.Count(m => m.Instrument == "inference_queue_duration"));

        static string? Reason(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    return tag.Value as string;
                }
            }

            return null;
        }
    }

    private static BatchLimits Limits(int maxBatchSize = 8, TimeSpan? delay = null, int capacity = 64, int instances = 1, TimeSpan? maxQueueTime = null) =>
        new(maxBatchSize, MaxBatchTokens: 4096, delay ?? TimeSpan.Zero, capacity, instances, maxQueueTime);

    private static async Task<Result<Timed<string>>> Complete(WorkItem<string, string> item) =>
        await item.Completion.WaitAsync(SafetyTimeout);

    private BatchScheduler<string, string> Create(RecordingRunner runner, BatchLimits limits) =>
        new(Label, limits, runner, _clock, new InferenceMetrics(_meters), NullLogger.Instance);

    private WorkItem<string, string> Item(string input, int tokens = 4, DateTimeOffset? deadline = null, CancellationToken cancellation = default) =>
        new(input, tokens, deadline ?? _clock.GetUtcNow().AddHours(1), cancellation);
}
