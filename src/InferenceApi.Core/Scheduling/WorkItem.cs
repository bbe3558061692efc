using System.Diagnostics;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Errors;

namespace InferenceApi.Core.Scheduling;

/// <summary>One request's input waiting in a scheduler, with its own reply.</summary>
public sealed class WorkItem<TInput, TOutput> : IBatchCandidate
{
    private readonly TaskCompletionSource<Result<Timed<TOutput>>> _reply =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WorkItem(TInput input, int tokens, DateTimeOffset deadline, CancellationToken cancellation, string? batchKey = null)
    {
        Input = input;
        Tokens = tokens;
        BatchKey = batchKey;
        Deadline = deadline;
        Cancellation = cancellation;
        TraceContext = InferenceTracing.CurrentContext;
    }

    public TInput Input { get; }

    public int Tokens { get; }

    public string? BatchKey { get; }

    public DateTimeOffset Deadline { get; }

    public CancellationToken Cancellation { get; }

    public DateTimeOffset EnqueuedAt { get; internal set; }

    public bool IsCancelled => Cancellation.IsCancellationRequested;

    public bool RequestStarted => Start?.HasStarted == true;

    /// <summary>Shared with the other inputs of the same request when it has several; null for a request of one.</summary>
    internal RequestStart? Start { get; set; }

    public ActivityContext TraceContext { get; }

    /// <summary>Completes when the item ran, was dropped, or failed; never faults.</summary>
    public Task<Result<Timed<TOutput>>> Completion => _reply.Task;

    internal void Succeed(TOutput output, TimeSpan queueTime, TimeSpan computeTime, int batchSize) =>
        _reply.TrySetResult(new Timed<TOutput>(output, queueTime, computeTime, batchSize));

    internal void Fail(InferenceError error) => _reply.TrySetResult(error);
}
