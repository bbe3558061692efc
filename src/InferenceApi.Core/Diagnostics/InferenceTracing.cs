using System.Diagnostics;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Diagnostics;

/// <summary>
/// The server's own spans. A request's spans (tokenize, cache lookup, queue, generate) are children of its HTTP span;
/// a batch or decode step serves many requests at once, so it is a span of its own linked to each of them, as
/// OpenTelemetry's messaging conventions do for batches. Nothing is allocated for spans while no tracer listens.
/// </summary>
public static class InferenceTracing
{
    public const string SourceName = "InferenceApi";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>The span of the request calling now, to parent work that runs later on a scheduler's thread.</summary>
    public static ActivityContext CurrentContext => Activity.Current?.Context ?? default;

    /// <summary>A child of the current span for a step of the request's own work (tokenize, preprocess, cache lookup).</summary>
    public static Activity? Start(string name) => Source.StartActivity(name);

    /// <summary>
    /// Decode steps run tens of times a second for every generation, so one in this many is traced, plus every step in
    /// which a sequence joins (its prefill). Enough to see step times and batch sizes without a span per token.
    /// </summary>
    public const int DecodeStepSampleInterval = 16;

    /// <summary>
    /// Records the time <paramref name="request"/> waited in a queue, under its own request's span, once the wait is
    /// over: it is written on the scheduler's thread with its start and end given, so it is never the current span of
    /// either thread.
    /// </summary>
    public static void RecordQueued(IQueuedRequest request, SchedulerLabel label, DateTimeOffset until) =>
        Record("queue", request, label, request.EnqueuedAt, until);

    /// <summary>Records one generation's time in the running batch, from joining to its end, under its request's span.</summary>
    /// <param name="error">Why it ended early (failed step, client gone), or null when it finished.</param>
    public static void RecordGenerated(IQueuedRequest request, SchedulerLabel label, DateTimeOffset joined, DateTimeOffset ended, string? error = null) =>
        Record("generate", request, label, joined, ended, error);

    private static void Record(string name, IQueuedRequest request, SchedulerLabel label, DateTimeOffset start, DateTimeOffset end, string? error = null)
    {
        if (request.TraceContext == default || !Source.HasListeners())
        {
            return;
        }

        var previous = Activity.Current;
        var span = Source.StartActivity(name, ActivityKind.Internal, request.TraceContext, startTime: start);
        if (span is not null)
        {
            span.SetTag("inference.model", label.Model);
            span.SetTag("inference.model_version", label.Version);
            if (error is not null)
            {
                span.SetStatus(ActivityStatusCode.Error, error);
            }

            span.SetEndTime(end.UtcDateTime);
            span.Stop();
        }

        Activity.Current = previous;
    }

    /// <summary>
    /// Starts the span of one batch run (or decode step) as a root linked to every traced request in it. It is started
    /// on the scheduler's thread with no current span, so it never joins the trace of whichever request came first.
    /// </summary>
    public static Activity? StartBatch<T>(string name, SchedulerLabel label, IReadOnlyList<T> requests)
        where T : IQueuedRequest
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        List<ActivityLink>? links = null;
        for (var i = 0; i < requests.Count; i++)
        {
            if (requests[i].TraceContext != default)
            {
                (links ??= new List<ActivityLink>(requests.Count)).Add(new ActivityLink(requests[i].TraceContext));
            }
        }

        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            var batch = Source.StartActivity(name, ActivityKind.Internal, default(ActivityContext), links: links);
            batch?.SetTag("inference.model", label.Model);
            batch?.SetTag("inference.model_version", label.Version);
            batch?.SetTag("inference.batch_size", requests.Count);
            return batch;
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>Marks <paramref name="activity"/> failed with the exception's type and message.</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.AddException(exception);
    }
}
