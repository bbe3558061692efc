namespace InferenceApi.Hosting;

/// <summary>
/// The level of a request's log line, from what the client received. One Error per failure a developer must look at:
/// an exception nobody answered on purpose (its line carries the stack trace). A 5xx that was an answer (model not
/// ready, draining, deadline, a failed batch, which its scheduler logged once at Error for every request in it) is a
/// Warning; a probe's 503 is its answer, not a failure; a 4xx (the client's mistake or departure) is Information,
/// never with a stack trace; a success is Debug unless it was slow.
/// </summary>
public static class RequestLogLevel
{
    public static LogLevel Of(int status, TimeSpan elapsed, TimeSpan slow, bool probe, bool unhandled) => status switch
    {
        >= 500 when unhandled => LogLevel.Error,
        >= 500 => probe ? LogLevel.Information : LogLevel.Warning,
        >= 400 => LogLevel.Information,
        _ => elapsed >= slow ? LogLevel.Information : LogLevel.Debug,
    };
}
