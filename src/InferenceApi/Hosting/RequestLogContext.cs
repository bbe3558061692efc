using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Serilog;

namespace InferenceApi.Hosting;

/// <summary>What every request log line carries beyond the route and status.</summary>
public static class RequestLogContext
{
    /// <summary>
    /// The request id, and the W3C trace id (the one a load balancer's <c>traceparent</c> gave, or a new one) whatever
    /// the log format, so a slow or failed line leads to its trace on any replica.
    /// </summary>
    public static void Enrich(IDiagnosticContext log, HttpContext http)
    {
        log.Set("RequestId", http.TraceIdentifier);
        // The request's own Activity, not Activity.Current: whatever ran last on this flow may have left another current.
        if ((http.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current) is { } activity)
        {
            log.Set("TraceId", activity.TraceId.ToHexString());
        }
    }
}
