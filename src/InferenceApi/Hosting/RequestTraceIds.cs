using System.Diagnostics;

namespace InferenceApi.Hosting;

/// <summary>
/// Keeps a W3C trace id on every request while tracing is off: ASP.NET Core only creates a request's Activity when
/// something listens to it, and without one a log line could not name the load balancer's trace. Listening with
/// <see cref="ActivitySamplingResult.PropagationData"/> creates the Activity (ids, the incoming <c>traceparent</c>)
/// without recording it, which costs one small allocation per request.
/// </summary>
public static class RequestTraceIds
{
    private static readonly ActivityListener Listener = new()
    {
        ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
        Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    private static int _started;

    /// <summary>Starts listening, once per process (the listener is process-wide, as ActivitySource is).</summary>
    public static void EnsureListening()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            ActivitySource.AddActivityListener(Listener);
        }
    }
}
