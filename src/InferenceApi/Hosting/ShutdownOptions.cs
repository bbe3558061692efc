using System.ComponentModel.DataAnnotations;

namespace InferenceApi.Hosting;

/// <summary>
/// How the server stops (section <c>Shutdown</c>). On SIGTERM readiness answers 503 at once; the server keeps serving
/// every request, new connections included, for <see cref="DrainDelaySeconds"/>; then it stops accepting connections
/// and drains what is in flight until the host's shutdown timeout (<c>HostOptions.ShutdownTimeout</c>, 30 s by
/// default, <c>--shutdownTimeoutSeconds</c>), which counts from SIGTERM and so includes the delay. Shortly before that
/// timeout, whatever still runs is answered with a 503 (or an <c>error</c> event on a stream), and the process exits 0.
/// </summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>
    /// Seconds between SIGTERM and closing the listener, during which readiness says 503 while every request is still
    /// served. Default 0: a local run stops at once. Behind a load balancer or a Kubernetes Service, set it to how long
    /// they take to stop sending here after readiness fails or the pod is deleted (endpoint propagation, a few probe
    /// periods; 5–15 s): shorter and clients get refused connections, longer and a rollout or scale-down takes longer.
    /// It comes out of the host's shutdown timeout, so it must be shorter than that timeout: raise the timeout with it
    /// to keep the same time to drain.
    /// </summary>
    [Range(0, 600)]
    public int DrainDelaySeconds { get; set; }

    public TimeSpan DrainDelay => TimeSpan.FromSeconds(DrainDelaySeconds);
}
