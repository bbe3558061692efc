using HealthChecks.UI.Client;
using InferenceApi.Core.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InferenceApi.Health;

/// <summary>
/// <c>/health/ready</c> in the HealthChecks UI format: the registered checks (Redis) plus one entry per
/// model version. Unhealthy (503) while the first models load, while any version loads, or while the
/// server drains; a refused model or a missing Redis is Degraded (200), since the server still serves.
/// </summary>
public static class ReadinessEndpoint
{
    public static async Task WriteAsync(HttpContext http, HealthCheckService checks, ModelRepository repository, IHostApplicationLifetime lifetime)
    {
        var registered = await checks.CheckHealthAsync(r => r.Tags.Contains("ready"), http.RequestAborted);
        var entries = new Dictionary<string, HealthReportEntry>(registered.Entries);
        if (!repository.InitialLoadComplete)
        {
            entries["models"] = new HealthReportEntry(HealthStatus.Unhealthy, "loading the model repository", TimeSpan.Zero, null, null, ["ready"]);
        }

        foreach (var version in repository.Snapshot())
        {
            var (status, description) = version.Status switch
            {
                ModelStatus.Ready => (HealthStatus.Healthy, $"{version.Description!.Task.ToName()} on {version.Description.Placement}"),
                ModelStatus.Loading => (HealthStatus.Unhealthy, "loading and warming up"),
                ModelStatus.Retiring => (HealthStatus.Healthy, $"retiring: {version.Reason}"),
                _ => (HealthStatus.Degraded, $"refused: {version.Reason}"),
            };
            entries[$"model:{version.Name}:{version.Version}"] = new HealthReportEntry(status, description, TimeSpan.Zero, null, null, ["ready", "model"]);
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested || repository.IsDraining)
        {
            entries["server"] = new HealthReportEntry(HealthStatus.Unhealthy, "shutting down: finishing queued requests", TimeSpan.Zero, null, null, ["ready"]);
        }

        var report = new HealthReport(entries, registered.TotalDuration);
        http.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        http.Response.Headers.CacheControl = "no-store";
        await UIResponseWriter.WriteHealthCheckUIResponse(http, report);
    }
}
