using System.Diagnostics;
using System.Globalization;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Endpoints;
using InferenceApi.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace InferenceApi.Hosting;

/// <summary>
/// The one place that reports a request, once, with the status the client received: the request metric
/// (<c>inference_requests_total</c>, API routes) and the request log line (<see cref="RequestLogLevel"/>). It runs
/// outside the exception handler and the status-code pages, so their answers (binding 400s, 415s, 500s) are counted as
/// sent, not as the 200 a response holds before they write it. A client that left is 499.
/// </summary>
public sealed partial class RequestTelemetryMiddleware(RequestDelegate next, InferenceMetrics metrics, TimeProvider clock, IOptions<LogOptions> options, ILoggerFactory loggers)
{
    private readonly ILogger _log = loggers.CreateLogger(LogOptions.RequestCategory);
    private readonly TimeSpan _slow = TimeSpan.FromMilliseconds(options.Value.SlowRequestMs);

    public async Task InvokeAsync(HttpContext context)
    {
        var started = clock.GetTimestamp();
        var fields = new RequestLogFields();
        context.Features.Set(fields);

        // The server's own time until the answer starts (W3C Server-Timing, ms): what a client's latency holds of this
        // process, apart from the network and the client itself (the benchmark's server-side cache-hit figure).
        context.Response.OnStarting(WriteServerTiming, (context, clock, started));
        Exception? escaped = null;
        try
        {
            await next(context);
        }
        catch (Exception exception)
        {
            // Only what the exception handler could not answer gets here, mostly a failure after the response started:
            // the client gets a reset (or a bare 500), and this line is the one report of it, where Kestrel would log
            // it again if it were rethrown.
            escaped = exception;
            if (context.Response.HasStarted)
            {
                context.Abort();
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
        }

        var elapsed = clock.GetElapsedTime(started);
        var handled = context.Features.Get<IExceptionHandlerFeature>();
        var status = context.RequestAborted.IsCancellationRequested ? StatusCodes.Status499ClientClosedRequest
            : escaped is not null ? StatusCodes.Status500InternalServerError
            : context.Items[GrpcErrors.StatusItem] as int? ?? context.Response.StatusCode;

        // The exception handler clears the endpoint before answering; the feature keeps the one that failed.
        var endpoint = (context.GetEndpoint() ?? handled?.Endpoint) as RouteEndpoint;
        var path = context.Request.Path;
        var failure = escaped ?? handled?.Error;
        var unhandled = failure is not null && status >= StatusCodes.Status500InternalServerError;
        var level = RequestLogLevel.Of(status, elapsed, _slow, path.StartsWithSegments("/health"), unhandled);
        if (_log.IsEnabled(level))
        {
            using var scope = _log.BeginScope(fields.Scope());
            LogRequest(_log, level, unhandled ? failure : null, context.Request.Method, path.Value, status, Math.Round(elapsed.TotalMilliseconds, 1), fields.Model ?? "none", (context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current)?.TraceId.ToHexString() ?? context.TraceIdentifier);
        }

        // Counted after the line is written, so whoever sees the count (a test) finds the line too.
        // gRPC calls answer HTTP 200 whatever their status; they are counted under the HTTP status of their error's kind.
        if (path.StartsWithSegments("/v1") || path.StartsWithSegments("/v2") || path.StartsWithSegments(KServeGrpcService.PathPrefix))
        {
            metrics.RecordRequest(fields.Model ?? "none", endpoint?.RoutePattern.RawText ?? "unmatched", status);
        }
    }

    private static Task WriteServerTiming(object state)
    {
        var (context, clock, started) = ((HttpContext, TimeProvider, long))state;
        context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"app;dur={clock.GetElapsedTime(started).TotalMilliseconds:0.###}");
        return Task.CompletedTask;
    }

    [LoggerMessage(Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs} ms (model {Model}, trace {TraceId})")]
    private static partial void LogRequest(ILogger logger, LogLevel level, Exception? exception, string method, string? path, int statusCode, double elapsedMs, string model, string traceId);
}
