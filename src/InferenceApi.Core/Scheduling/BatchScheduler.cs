using System.Threading.Channels;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Errors;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Core.Scheduling;

/// <summary>
/// One model version's queue: a bounded channel, one loop that asks <see cref="BatchPolicy"/> what to run,
/// and up to <see cref="BatchLimits.Instances"/> batches running at once. Admission is all-or-nothing per
/// request and answers at once when the queue is full.
/// </summary>
/// <remarks>
/// Thread hand-offs are what an idle request pays for on a busy machine (each wake of a parked thread waits for a core
/// that ONNX Runtime's threads hold), so the common paths have none: a request of <see cref="RunAsync"/> that finds
/// nothing queued and an instance free runs its batch on its own thread when the policy would run it at once; with one
/// instance the loop runs each batch itself instead of handing it to another thread; and the loop holds no instance
/// while it waits for work, so that path stays open.
/// </remarks>
public sealed class BatchScheduler<TInput, TOutput> : IAsyncDisposable
{
    /// <summary>The first guess of a full batch's compute, before one has run.</summary>
    private static readonly TimeSpan InitialBatch = TimeSpan.FromMilliseconds(50);

    private readonly Channel<WorkItem<TInput, TOutput>> _channel;
    private readonly BatchPolicy _policy;
    private readonly IBatchRunner<TInput, TOutput> _runner;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InferenceMetrics _metrics;
    private readonly SchedulerLabel _label;
    private readonly SemaphoreSlim _freeInstances;
    private readonly Stack<int> _instanceIds;
    private readonly List<WorkItem<TInput, TOutput>> _pending = [];
    private readonly Task _loop;
    private readonly WaitEstimator _wait;
    private int _queued;
    private int _draining;
    private int _cutOff;

    public BatchScheduler(
        SchedulerLabel label,
        BatchLimits limits,
        IBatchRunner<TInput, TOutput> runner,
        TimeProvider time,
        InferenceMetrics metrics,
        ILogger logger)
    {
        _label = label;
        _policy = new BatchPolicy(limits);
        _runner = runner;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _wait = new WaitEstimator(InitialBatch / limits.MaxBatchSize, InitialBatch);
        _freeInstances = new SemaphoreSlim(limits.Instances, limits.Instances);
        _instanceIds = new Stack<int>(Enumerable.Range(0, limits.Instances).Reverse());
        _channel = Channel.CreateBounded<WorkItem<TInput, TOutput>>(new BoundedChannelOptions(limits.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _metrics.TrackQueue(label, () => Volatile.Read(ref _queued));
        _loop = Task.Run(RunLoopAsync);
    }

    public BatchLimits Limits => _policy.Limits;

    /// <summary>Requests admitted and not yet running.</summary>
    public int QueueDepth => Volatile.Read(ref _queued);

    /// <summary>How long a request admitted now would wait before it runs, from the queue's depth and measured service rate.</summary>
    public TimeSpan ExpectedWait => _wait.ExpectedWaitInBatches(QueueDepth, Limits.MaxBatchSize, Limits.Instances);

    /// <summary>
    /// Admits all of <paramref name="items"/> or none: a request with ten inputs either gets ten places in the
    /// queue or a 429 at once, never a partial run. A request that would wait longer than its deadline or
    /// <see cref="BatchLimits.MaxQueueTime"/> allows is refused at once too, instead of waiting to be answered late.
    /// </summary>
    public InferenceError? TryEnqueue(IReadOnlyList<WorkItem<TInput, TOutput>> items)
    {
        if (Volatile.Read(ref _draining) != 0)
        {
            return Admission.Draining(_label.Model);
        }

        var capacity = Limits.QueueCapacity;
        if (items.Count > capacity)
        {
            return Admission.TooManyAtOnce(_label.Model, capacity, items.Count);
        }

        if (Interlocked.Add(ref _queued, items.Count) > capacity)
        {
            Interlocked.Add(ref _queued, -items.Count);
            return Admission.QueueFull(_label.Model, capacity, WaitEstimator.RetryAfter(ExpectedWait));
        }

        var now = _time.GetUtcNow();
        if (items.Count > 0)
        {
            // The queue as it was before this request's own places: what it waits for is the work ahead of it.
            // Long inputs fill a batch's token budget before its size: the newcomer's length stands in for the queue's.
            var batchSize = Math.Clamp(Limits.MaxBatchTokens / Math.Max(1, items[0].Tokens), 1, Limits.MaxBatchSize);
            var expected = _wait.ExpectedWaitInBatches(QueueDepth - items.Count, batchSize, Limits.Instances);
            var allowed = Admission.AllowedWait(items[0].Deadline, now, Limits.MaxQueueTime);
            if (expected > allowed)
            {
                Interlocked.Add(ref _queued, -items.Count);
                return Admission.WaitTooLong(_label.Model, expected, allowed);
            }
        }

        var start = items.Count > 1 ? new RequestStart() : null;
        foreach (var item in items)
        {
            item.EnqueuedAt = now;
            item.Start = start;

            // Cannot fail: _queued never exceeds the channel's capacity, and the writer completes only after draining is set.
            if (!_channel.Writer.TryWrite(item))
            {
                Interlocked.Decrement(ref _queued);
                item.Fail(Admission.Draining(_label.Model));
            }
        }

        return null;
    }

    /// <summary>
    /// Queues one item per input, all or none, and waits for their results in input order; the first
    /// failure (queue full, deadline, cancellation, backend) is the answer.
    /// </summary>
    /// <param name="cost">An input's length for the token budget (1 for inputs of fixed size).</param>
    /// <param name="batchKey">Inputs with different keys never share a batch (<see cref="IBatchCandidate.BatchKey"/>); none by default.</param>
    public async Task<Result<Timed<TOutput>[]>> RunAsync(
        IReadOnlyList<TInput> inputs,
        Func<TInput, int> cost,
        DateTimeOffset deadline,
        CancellationToken cancellationToken,
        Func<TInput, string?>? batchKey = null)
    {
        var items = new WorkItem<TInput, TOutput>[inputs.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new WorkItem<TInput, TOutput>(inputs[i], cost(inputs[i]), deadline, cancellationToken, batchKey?.Invoke(inputs[i]));
        }

        if (!TryRunAtOnce(items) && TryEnqueue(items) is { } rejected)
        {
            return rejected;
        }

        var results = new Timed<TOutput>[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var outcome = await items[i].Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!outcome.IsSuccess)
            {
                return outcome.Error;
            }

            results[i] = outcome.Value;
        }

        return results;
    }

    /// <summary>Stops admitting, runs everything already queued, and waits for running batches to finish.</summary>
    public async Task DrainAsync()
    {
        if (Interlocked.Exchange(ref _draining, 1) == 0)
        {
            _channel.Writer.TryComplete();
        }

        await _loop.ConfigureAwait(false);
    }

    /// <summary>
    /// The server's drain deadline passed: stops admitting and ends everything still queued with a 503 as soon as the
    /// loop looks again (a batch already running finishes: it cannot be stopped halfway, and it is short).
    /// </summary>
    public void CutOff()
    {
        // The writer completes first, so the loop that sees the flag also sees every item that will ever be queued.
        Interlocked.Exchange(ref _draining, 1);
        _channel.Writer.TryComplete();
        Volatile.Write(ref _cutOff, 1);
    }

    public async ValueTask DisposeAsync()
    {
        await DrainAsync().ConfigureAwait(false);
        _metrics.UntrackQueue(_label);
        _freeInstances.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="items"/> as one batch on the caller's thread, when nothing is queued ahead of them, an
    /// instance is free and the policy would run them at once (no queue delay to wait for company, one batch key, within
    /// the limits); false leaves them to the queue. Ahead of nobody and refused by nothing, they need no admission check.
    /// </summary>
    private bool TryRunAtOnce(WorkItem<TInput, TOutput>[] items)
    {
        if (items.Length == 0 || items.Length > Limits.MaxBatchSize || items.Length > Limits.QueueCapacity
            || Volatile.Read(ref _draining) != 0 || !_freeInstances.Wait(0))
        {
            return false;
        }

        // Draining is checked again with the instance held: the drain waits for every instance, so a batch that holds one
        // before it finishes waiting is waited for, and one that gets one after it sees the flag.
        if (Volatile.Read(ref _draining) != 0 || Interlocked.CompareExchange(ref _queued, items.Length, 0) != 0)
        {
            _freeInstances.Release();
            return false;
        }

        var now = _time.GetUtcNow();
        foreach (var item in items)
        {
            item.EnqueuedAt = now;
        }

        var plan = _policy.Plan(items, now);
        if (plan.Batch.Count != items.Length)
        {
            Interlocked.Add(ref _queued, -items.Length);
            _freeInstances.Release();
            return false;
        }

        Interlocked.Add(ref _queued, -items.Length);
        Execute(items, TakeInstanceId());
        return true;
    }

    private async Task RunLoopAsync()
    {
        var reader = _channel.Reader;
        Task<bool>? waitToRead = null;
        var channelOpen = true;
        while (true)
        {
            if (_pending.Count == 0 && channelOpen && !reader.TryPeek(out _))
            {
                // Idle, holding no instance: a request that finds the queue empty may run at once on its own thread.
                waitToRead ??= reader.WaitToReadAsync().AsTask();
                channelOpen = await waitToRead.ConfigureAwait(false);
                waitToRead = null;
                continue;
            }

            await _freeInstances.WaitAsync().ConfigureAwait(false);
            while (reader.TryRead(out var item))
            {
                _pending.Add(item);
            }

            if (Volatile.Read(ref _cutOff) != 0)
            {
                EndPending();
                _freeInstances.Release();
                await AllInstancesFreeAsync().ConfigureAwait(false);
                return;
            }

            // Draining flushes from the first plan after DrainAsync, not only once the loop has seen the channel close.
            var plan = _policy.Plan(_pending, _time.GetUtcNow(), flush: !channelOpen || Volatile.Read(ref _draining) != 0);
            var batch = new WorkItem<TInput, TOutput>[plan.Batch.Count];
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i] = _pending[plan.Batch[i]];
            }

            ApplyDrops(plan);
            RemovePlanned(plan);
            if (batch.Length > 0)
            {
                Dispatch(batch);
                continue;
            }

            _freeInstances.Release();
            if (!channelOpen)
            {
                // Flushing batches every live item, so an empty plan here means nothing is left.
                await AllInstancesFreeAsync().ConfigureAwait(false);
                return;
            }

            if (plan.WakeAt is not { } wakeAt)
            {
                // Everything pending was dropped: back to waiting for work.
                continue;
            }

            waitToRead ??= reader.WaitToReadAsync().AsTask();
            using (var timer = new CancellationTokenSource())
            {
                // At least 1 ms: a shorter timer rounds to zero and would spin the loop until the instant passes.
                var delay = Task.Delay(Max(wakeAt - _time.GetUtcNow(), MinimumWait), _time, timer.Token);
                var first = await Task.WhenAny(waitToRead, delay).ConfigureAwait(false);
                await timer.CancelAsync().ConfigureAwait(false);
                if (first == delay)
                {
                    continue;
                }
            }

            channelOpen = await waitToRead.ConfigureAwait(false);
            waitToRead = null;
        }
    }

    /// <summary>Waits until no batch runs: each running batch, the loop's or a caller's, holds an instance until it ends.</summary>
    private async Task AllInstancesFreeAsync()
    {
        for (var i = 0; i < Limits.Instances; i++)
        {
            await _freeInstances.WaitAsync().ConfigureAwait(false);
        }

        _freeInstances.Release(Limits.Instances);
    }

    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);


    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void EndPending()
    {
        var error = Admission.CutOff(_label.Model);
        foreach (var item in _pending)
        {
            Interlocked.Decrement(ref _queued);
            item.Fail(error);
        }

        if (_pending.Count > 0)
        {
            _logger.LogWarning("Drain deadline passed: ended {Waiting} queued inputs of {Model} v{Version} with 503", _pending.Count, _label.Model, _label.Version);
        }

        _pending.Clear();
    }

    private void ApplyDrops(BatchPlan plan)
    {
        if (plan.Dropped.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        for (var i = plan.Dropped.Count - 1; i >= 0; i--)
        {
            var (index, reason) = plan.Dropped[i];
            var item = _pending[index];
            Interlocked.Decrement(ref _queued);
            // Counted before the answer, so whoever sees the answer (a test) finds the count too.
            _metrics.RecordDropped(_label, reason);
            item.Fail(Admission.Dropped(reason, _label.Model, now - item.EnqueuedAt));
        }
    }

    /// <summary>
    /// Takes the dropped and the batched items out of the pending list in one pass: the plan's indices all refer
    /// to the list as planned, so removing one group before reading the other would shift it.
    /// </summary>
    private void RemovePlanned(BatchPlan plan)
    {
        if (plan.Dropped.Count == 0 && plan.Batch.Count == 0)
        {
            return;
        }

        // Remove from the back so earlier indices stay valid.
        foreach (var index in plan.Dropped.Select(d => d.Index).Concat(plan.Batch).OrderDescending())
        {
            _pending.RemoveAt(index);
        }
    }

    /// <summary>Runs a planned batch: on the loop's own thread with one instance (the loop has nothing else to do until it ends), on another thread otherwise.</summary>
    private void Dispatch(WorkItem<TInput, TOutput>[] batch)
    {
        Interlocked.Add(ref _queued, -batch.Length);
        var instance = TakeInstanceId();
        if (Limits.Instances == 1)
        {
            Execute(batch, instance);
        }
        else
        {
            _ = Task.Run(() => Execute(batch, instance));
        }
    }

    private int TakeInstanceId()
    {
        lock (_instanceIds)
        {
            return _instanceIds.Pop();
        }
    }

    private void Execute(WorkItem<TInput, TOutput>[] batch, int instance)
    {
        var started = _time.GetUtcNow();
        var startTimestamp = _time.GetTimestamp();
        using var span = InferenceTracing.StartBatch("batch", _label, batch);
        try
        {
            var inputs = new TInput[batch.Length];
            var tokens = 0;
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i].Start?.Mark();
                inputs[i] = batch[i].Input;
                tokens = Math.Max(tokens, batch[i].Tokens);
                InferenceTracing.RecordQueued(batch[i], _label, started);
            }

            span?.SetTag("inference.padded_tokens", tokens * batch.Length);
            span?.SetTag("inference.instance", instance);
            var outputs = _runner.Run(inputs, instance);
            var compute = _time.GetElapsedTime(startTimestamp);
            _wait.Record(compute, batch.Length);
            _metrics.RecordBatch(_label, batch.Length, tokens * batch.Length, compute);
            for (var i = 0; i < batch.Length; i++)
            {
                var queueTime = started - batch[i].EnqueuedAt;
                _metrics.RecordQueueTime(_label, queueTime);
                batch[i].Succeed(outputs[i], queueTime, compute, batch.Length);
            }

            _logger.LogDebug(
                "Ran batch of {BatchSize} ({PaddedTokens} padded tokens) for {Model} v{Version} on instance {Instance} in {ComputeMs:0.0} ms",
                batch.Length,
                tokens * batch.Length,
                _label.Model,
                _label.Version,
                instance,
                compute.TotalMilliseconds);
        }
#pragma warning disable CA1031 // A failing batch must answer its requests, whatever the runtime threw.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            InferenceTracing.Fail(span, exception);
            _logger.LogError(exception, "Batch of {BatchSize} failed for {Model} v{Version}", batch.Length, _label.Model, _label.Version);
            foreach (var item in batch)
            {
                item.Fail(Admission.BackendFailed(_label.Model, exception));
            }
        }
        finally
        {
            lock (_instanceIds)
            {
                _instanceIds.Push(instance);
            }

            _freeInstances.Release();
        }
    }
}
