using System.Threading.Channels;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Scheduling;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Core.Generation;

/// <summary>
/// Iteration-level (continuous) batching for one generation model: waiting sequences join the running batch
/// between decode steps (their prefill shares the step with everyone else's next token), finished, cancelled
/// and expired ones leave at the next step, so a long generation never holds up short ones. One loop owns the
/// session; admission answers at once when the waiting queue is full. Refusals, drops and failures are those of
/// every scheduler (<see cref="Admission"/>), on the same clock.
/// </summary>
public sealed class ContinuousBatchScheduler : IAsyncDisposable
{
    private readonly Channel<IGeneratingSequence> _waiting;
    private readonly ContinuousBatchPolicy _policy;
    private readonly IDecoderSession _session;
    private readonly int _padTokenId;
    private readonly TimeProvider _time;
    private readonly InferenceMetrics _metrics;
    private readonly SchedulerLabel _label;
    private readonly ILogger _logger;
    private readonly List<IGeneratingSequence> _running = [];

    /// <summary>When each running sequence joined (a timestamp), to learn how long a generation takes.</summary>
    private readonly Dictionary<IGeneratingSequence, long> _joinedAt = [];

    /// <summary>Served per seat: one generation from joining to its end; the running batch has MaxRunning seats.</summary>
    private readonly WaitEstimator _wait = new(TimeSpan.FromSeconds(1));
    private readonly Task _loop;
    private IGeneratingSequence? _held;
    private int _queued;
    private int _runningCount;
    private int _draining;
    private long _steps;
    private int _cutOff;

    public ContinuousBatchScheduler(
        SchedulerLabel label, ContinuousBatchLimits limits, IDecoderSession session, int padTokenId, TimeProvider time, InferenceMetrics metrics, ILogger logger)
    {
        _label = label;
        _policy = new ContinuousBatchPolicy(limits);
        _session = session;
        _padTokenId = padTokenId;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _waiting = Channel.CreateBounded<IGeneratingSequence>(new BoundedChannelOptions(limits.QueueCapacity) { SingleReader = true });
        _metrics.TrackQueue(label, () => Volatile.Read(ref _queued));
        _metrics.TrackGeneration(label, () => Volatile.Read(ref _runningCount), () => Volatile.Read(ref _queued));
        _loop = Task.Run(RunLoopAsync);
    }

    public ContinuousBatchLimits Limits => _policy.Limits;

    public int Waiting => Volatile.Read(ref _queued);

    public int Running => Volatile.Read(ref _runningCount);

    /// <summary>
    /// Queues a sequence to join the running batch, or says why not: a full queue, or a wait for a seat longer than its
    /// deadline or <see cref="ContinuousBatchLimits.MaxQueueTime"/> allows (429 with an estimated Retry-After); draining (503).
    /// </summary>
    public InferenceError? TryEnqueue(IGeneratingSequence sequence)
    {
        if (Volatile.Read(ref _draining) != 0)
        {
            return Admission.Draining(_label.Model);
        }

        var queued = Interlocked.Increment(ref _queued);
        if (queued > Limits.QueueCapacity)
        {
            var waiting = Interlocked.Decrement(ref _queued);
            return Admission.QueueFull(_label.Model, Limits.QueueCapacity, WaitEstimator.RetryAfter(_wait.ExpectedWait(waiting, Limits.MaxRunning)));
        }

        // Seats free up one generation at a time: the sequence waits for as many as stand between it and a free one.
        var expected = _wait.ExpectedWait(queued - (Limits.MaxRunning - Running), Limits.MaxRunning);
        var allowed = Admission.AllowedWait(sequence.Deadline, _time.GetUtcNow(), Limits.MaxQueueTime);
        if (expected > allowed)
        {
            Interlocked.Decrement(ref _queued);
            return Admission.WaitTooLong(_label.Model, expected, allowed);
        }

        if (!_waiting.Writer.TryWrite(sequence))
        {
            Interlocked.Decrement(ref _queued);
            return Admission.Draining(_label.Model);
        }

        return null;
    }

    /// <summary>Stops admitting, lets running and waiting sequences finish, then returns.</summary>
    public async Task DrainAsync()
    {
        if (Interlocked.Exchange(ref _draining, 1) == 0)
        {
            _waiting.Writer.TryComplete();
        }

        await _loop.ConfigureAwait(false);
    }

    /// <summary>
    /// The server's drain deadline passed: stops admitting, and at the next step ends every running and waiting
    /// sequence with a 503 (a stream's <c>error</c> event), so each client gets an answer before the host stops.
    /// </summary>
    public void CutOff()
    {
        // The writer completes first, so the loop that sees the flag also sees every sequence that will ever be queued.
        Interlocked.Exchange(ref _draining, 1);
        _waiting.Writer.TryComplete();
        Volatile.Write(ref _cutOff, 1);
    }

    public async ValueTask DisposeAsync()
    {
        await DrainAsync().ConfigureAwait(false);
        _metrics.UntrackQueue(_label);
        _metrics.UntrackGeneration(_label);
    }

    private async Task RunLoopAsync()
    {
        var reader = _waiting.Reader;
        while (true)
        {
            if (_running.Count == 0 && _held is null && !await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                return;
            }

            if (Volatile.Read(ref _cutOff) != 0)
            {
                EndAll(reader);
                return;
            }

            var joining = Admit(reader);
            var now = _time.GetUtcNow();
            _running.RemoveAll(sequence => Leaves(sequence, now));
            joining.RemoveAll(sequence => Leaves(sequence, now));
            if (_running.Count + joining.Count == 0)
            {
                continue;
            }

            Step(joining);
            _running.AddRange(joining);
            Volatile.Write(ref _runningCount, _running.Count);
        }
    }

    private List<IGeneratingSequence> Admit(ChannelReader<IGeneratingSequence> reader)
    {
        var joining = new List<IGeneratingSequence>();
        var reserved = 0;
        foreach (var sequence in _running)
        {
            reserved += sequence.MaxTotalTokens;
        }

        // A sequence read but not admitted is held, in order, for the next step.
        while (_held is not null || reader.TryRead(out _held))
        {
            var candidate = _held;
            if (!_policy.CanAdmit(_running.Count + joining.Count, reserved, candidate.MaxTotalTokens))
            {
                break;
            }

            _held = null;
            Interlocked.Decrement(ref _queued);
            joining.Add(candidate);
            _joinedAt[candidate] = _time.GetTimestamp();
            InferenceTracing.RecordQueued(candidate, _label, _time.GetUtcNow());
            reserved += candidate.MaxTotalTokens;
        }

        return joining;
    }

    /// <summary>Ends every sequence still here, running, held or waiting, with the cut-off error.</summary>
    private void EndAll(ChannelReader<IGeneratingSequence> reader)
    {
        var error = Admission.CutOff(_label.Model);
        var running = _running.Count;
        var waiting = 0;
        foreach (var sequence in _running)
        {
            sequence.Fail(error);
        }

        _running.Clear();
        _joinedAt.Clear();
        Volatile.Write(ref _runningCount, 0);
        while (_held is not null || reader.TryRead(out _held))
        {
            Interlocked.Decrement(ref _queued);
            _held.Fail(error);
            _held = null;
            waiting++;
        }

        if (running + waiting > 0)
        {
            _logger.LogWarning(
                "Drain deadline passed: ended {Running} running and {Waiting} waiting generations of {Model} v{Version} with 503",
                running,
                waiting,
                _label.Model,
                _label.Version);
        }
    }

    /// <summary>
    /// Fails and counts a sequence whose client left, or whose deadline passed before it started. The max queue time is
    /// applied at admission only: a request's samples start together and a seat frees only when a whole generation ends,
    /// so a later sample waits a generation by design, and dropping it there would fail requests that are served.
    /// </summary>
    private bool Leaves(IGeneratingSequence sequence, DateTimeOffset now)
    {
        if (Admission.Drop(sequence, now) is not { } reason)
        {
            return false;
        }

        if (_joinedAt.Remove(sequence, out var joined))
        {
            InferenceTracing.RecordGenerated(sequence, _label, now - _time.GetElapsedTime(joined), now, reason.ToString());
        }

        // Counted before the answer, so whoever sees the answer (a test) finds the count too.
        _metrics.RecordDropped(_label, reason);
        sequence.Fail(Admission.Dropped(reason, _label.Model, now - sequence.EnqueuedAt));
        return true;
    }

    private void Step(List<IGeneratingSequence> joining)
    {
        var sequences = new List<IGeneratingSequence>(_running.Count + joining.Count);
        sequences.AddRange(_running);
        sequences.AddRange(joining);
        var rows = new DecoderRow[sequences.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new DecoderRow(sequences[i].Cache, sequences[i].NextInput, sequences[i].NextPosition);
        }

        var started = _time.GetTimestamp();
        using var span = joining.Count > 0 || _steps++ % InferenceTracing.DecodeStepSampleInterval == 0
            ? InferenceTracing.StartBatch("decode step", _label, sequences)
            : null;
        span?.SetTag("inference.joining", joining.Count);
        try
        {
            using var step = DecoderBatchAssembler.Assemble(_session.Shape, rows, _padTokenId);
            span?.SetTag("inference.padded_tokens", step.Batch * step.TotalLength);
            _session.Run(step);
            DecoderBatchAssembler.Absorb(step, rows);
            var finished = new HashSet<IGeneratingSequence>();
            for (var i = 0; i < sequences.Count; i++)
            {
                if (sequences[i].Advance(step.Logits(i)))
                {
                    finished.Add(sequences[i]);
                }
            }

            _running.RemoveAll(finished.Contains);
            joining.RemoveAll(finished.Contains);
            var now = _time.GetUtcNow();
            foreach (var done in finished)
            {
                if (_joinedAt.Remove(done, out var joined))
                {
                    var took = _time.GetElapsedTime(joined);
                    _wait.Record(took);
                    InferenceTracing.RecordGenerated(done, _label, now - took, now);
                }
            }

            _metrics.RecordBatch(_label, sequences.Count, step.Batch * step.TotalLength, _time.GetElapsedTime(started));
        }
#pragma warning disable CA1031 // A failing step must answer every sequence in it, whatever the runtime threw.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            InferenceTracing.Fail(span, exception);
            _logger.LogError(exception, "Decode step of {BatchSize} failed for {Model} v{Version}", sequences.Count, _label.Model, _label.Version);
            var now = _time.GetUtcNow();
            foreach (var sequence in sequences)
            {
                sequence.Fail(Admission.BackendFailed(_label.Model, exception));
                if (_joinedAt.Remove(sequence, out var joined))
                {
                    InferenceTracing.RecordGenerated(sequence, _label, now - _time.GetElapsedTime(joined), now, exception.Message);
                }
            }

            _running.Clear();
            joining.Clear();
        }
    }
}
