using InferenceApi.Core.Errors;

namespace InferenceApi.Core.Scheduling;

/// <summary>The errors a scheduler answers with before or instead of running a request.</summary>
internal static class SchedulerRejection
{
    public static InferenceError QueueFull(string model, int capacity, TimeSpan retryAfter) =>
        new(ErrorKind.Overloaded, $"Model '{model}' is overloaded: its queue holds {capacity} requests and is full. Retry after {retryAfter.TotalSeconds:0} s.")
        {
            Limit = capacity,
            RetryAfter = retryAfter,
        };

    public static InferenceError TooManyAtOnce(string model, int capacity, int requested) =>
        new(ErrorKind.Validation, $"This request has {requested} inputs but model '{model}' queues at most {capacity} at once.")
        {
            Field = "inputs",
            Limit = capacity,
            Received = requested,
        };

    public static InferenceError Draining(string model) =>
        new(ErrorKind.Draining, $"Model '{model}' is shutting down and admits no new requests.") { RetryAfter = TimeSpan.FromSeconds(1) };

    public static InferenceError Expired(string model, TimeSpan waited) =>
        new(ErrorKind.DeadlineExceeded, $"The request's deadline passed after {waited.TotalMilliseconds:0} ms in model '{model}''s queue, before it ran.");

    public static InferenceError Cancelled() => new(ErrorKind.Cancelled, "The client cancelled the request.");

    public static InferenceError BackendFailed(string model, Exception exception) =>
        new(ErrorKind.Backend, $"Model '{model}' failed to run the batch: {exception.Message}");
}
