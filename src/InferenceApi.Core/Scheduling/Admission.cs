using InferenceApi.Core.Errors;

namespace InferenceApi.Core.Scheduling;

/// <summary>
/// What both schedulers (<see cref="BatchScheduler{TInput,TOutput}"/> and the generation's continuous batching) answer
/// with, in the same words: refusals at admission (queue full, or a wait longer than the request may wait, both with an
/// estimated <c>Retry-After</c>; too many at once; draining), drops before a request costs compute (the client left, or its deadline passed while it waited), and
/// failures while running (or cut off at the drain deadline).
/// </summary>
internal static class Admission
{
    /// <summary>
    /// Whether a waiting request should leave instead of running: expired once its deadline is reached, else cancelled
    /// when its client left. The deadline comes first because a request whose deadline passed is counted as expired even
    /// when its cancellation also fired: the samples of one generation request share a deadline, and when the first of
    /// them expires the request ends the others, which would otherwise count as cancelled by a client that never left.
    /// </summary>
    /// <param name="maxQueueTime">
    /// The model's <c>MaxQueueTimeMs</c>, or null where it does not apply (a shutdown drain runs what it admitted). It
    /// bounds every admitted request's wait to start, so that a machine slower than the rate admission was priced at
    /// cannot make admitted requests wait without bound; a part of a request that already started is exempt
    /// (<see cref="IQueuedRequest.RequestStarted"/>). Like the deadline it comes before cancellation: the other parts of
    /// a request dropped for it are cancelled by that request, not by a client that left.
    /// </param>
    public static DropReason? Drop(IQueuedRequest request, DateTimeOffset now, TimeSpan? maxQueueTime = null) =>
        now >= request.Deadline ? DropReason.Expired
        : maxQueueTime is { } most && now - request.EnqueuedAt > most && !request.RequestStarted ? DropReason.QueueTimeExceeded
        : request.IsCancelled ? DropReason.Cancelled
        : null;

    /// <summary>The error a dropped request ends with; <paramref name="waited"/> is how long it was queued.</summary>
    public static InferenceError Dropped(DropReason reason, string model, TimeSpan waited) => reason switch
    {
        DropReason.Cancelled => new InferenceError(ErrorKind.Cancelled, "The client cancelled the request."),
        DropReason.QueueTimeExceeded => new InferenceError(ErrorKind.Overloaded, $"Model '{model}' is overloaded: this request waited {waited.TotalMilliseconds:0} ms in its queue, longer than the model's MaxQueueTimeMs, and was not run.")
        {
            // The queue it waited in is the one a retry would join: at least as long as that wait to drain.
            RetryAfter = WaitEstimator.RetryAfter(waited),
        },
        _ => new InferenceError(ErrorKind.DeadlineExceeded, $"The request's deadline passed after {waited.TotalMilliseconds:0} ms in model '{model}''s queue, before it ran."),
    };

    public static InferenceError QueueFull(string model, int capacity, TimeSpan retryAfter) =>
        new(ErrorKind.Overloaded, $"Model '{model}' is overloaded: its queue holds {capacity} requests and is full. Retry after {retryAfter.TotalSeconds:0} s.")
        {
            Limit = capacity,
            RetryAfter = retryAfter,
        };

    /// <summary>
    /// Refused at once because the queue ahead would hold it longer than it may wait (<paramref name="allowed"/>: the
    /// request's deadline or the model's <c>MaxQueueTimeMs</c>, whichever comes first): a request admitted only to wait
    /// past that costs the client its time and the server the compute it would rather give to one that can still be
    /// answered in time. <c>Retry-After</c> is how long until the queue is expected to have drained enough.
    /// </summary>
    public static InferenceError WaitTooLong(string model, TimeSpan expected, TimeSpan allowed) =>
        new(ErrorKind.Overloaded, $"Model '{model}' is overloaded: a request now would wait about {expected.TotalMilliseconds:0} ms in its queue, and it may wait at most {allowed.TotalMilliseconds:0} ms.")
        {
            Limit = Math.Round(allowed.TotalMilliseconds),
            Received = Math.Round(expected.TotalMilliseconds),
            RetryAfter = WaitEstimator.RetryAfter(expected - allowed),
        };

    /// <summary>
    /// How long a request may wait in a queue: until its deadline, and at most <paramref name="maxQueueTime"/> when the
    /// model sets one.
    /// </summary>
    public static TimeSpan AllowedWait(DateTimeOffset deadline, DateTimeOffset now, TimeSpan? maxQueueTime)
    {
        var untilDeadline = deadline - now;
        return maxQueueTime is { } most && most < untilDeadline ? most : untilDeadline;
    }

    public static InferenceError TooManyAtOnce(string model, int capacity, int requested) =>
        new(ErrorKind.Validation, $"This request has {requested} inputs but model '{model}' queues at most {capacity} at once.")
        {
            Field = "inputs",
            Limit = capacity,
            Received = requested,
        };

    public static InferenceError Draining(string model) =>
        new(ErrorKind.Draining, $"Model '{model}' is shutting down and admits no new requests.") { RetryAfter = TimeSpan.FromSeconds(1) };

    /// <summary>What a request still waiting or running gets when the server's drain deadline passes: a clean 503, before the host stops.</summary>
    public static InferenceError CutOff(string model) =>
        new(ErrorKind.Draining, $"The server is shutting down and its drain deadline passed before this request to model '{model}' finished; retry on another replica.")
        {
            RetryAfter = TimeSpan.FromSeconds(1),
        };

    public static InferenceError BackendFailed(string model, Exception exception) =>
        new(ErrorKind.Backend, $"Model '{model}' failed to run the batch: {exception.Message}");
}
