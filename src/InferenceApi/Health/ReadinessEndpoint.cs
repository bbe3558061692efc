using HealthChecks.UI.Client;
using InferenceApi.Hosting;
using InferenceApi.Core.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InferenceApi.Health;

/// <summary>
/// <c>/health/ready</c> in the HealthChecks UI format: the registered checks (Redis) plus the repository's
/// readiness entries (<see cref="VersionPolicy.Assess"/>, which <c>/v2/health/ready</c> answers too). Unhealthy
/// (503) while the first models load or from SIGTERM on (the drain delay included); a version that loads after that, a refused model
/// or a missing Redis is Degraded (200), since the server still serves (each replica sees a publish at the same
/// moment: turning unready for it would take every replica out of rotation at once).
/// </summary>
public static class ReadinessEndpoint
{
    public static async Task WriteAsync(HttpContext http, HealthCheckService checks, ModelRepository repository, GracefulShutdown shutdown)
    {
        var registered = await checks.CheckHealthAsync(r => r.Tags.Contains("ready"), http.RequestAborted);
        var entries = new Dictionary<string, HealthReportEntry>(registered.Entries);
        foreach (var entry in repository.Readiness(shutdown.IsDraining).Entries)
        {
            var status = entry.Health switch
            {
                ReadinessHealth.Healthy => HealthStatus.Healthy,
                ReadinessHealth.Degraded => HealthStatus.Degraded,
                _ => HealthStatus.Unhealthy,
            };
            entries[entry.Key] = new HealthReportEntry(status, entry.Description, TimeSpan.Zero, null, null, entry.Version is null ? ["ready"] : ["ready", "model"]);
        }

        var report = new HealthReport(entries, registered.TotalDuration);
        http.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        http.Response.Headers.CacheControl = "no-store";
        await UIResponseWriter.WriteHealthCheckUIResponse(http, report);
    }
}
