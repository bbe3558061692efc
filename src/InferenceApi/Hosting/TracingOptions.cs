using System.ComponentModel.DataAnnotations;

namespace InferenceApi.Hosting;

/// <summary>
/// OpenTelemetry tracing (section <c>Tracing</c>). Off unless an OTLP endpoint is given here or in the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable: spans cost CPU and allocations on every request, and nothing should be
/// sent anywhere a user did not ask for.
/// </summary>
public sealed class TracingOptions
{
    public const string Section = "Tracing";

    /// <summary>
    /// Where spans go over OTLP, e.g. <c>http://otel-collector:4317</c> (gRPC) or <c>http://collector:4318/v1/traces</c>
    /// with <see cref="Protocol"/> <c>http/protobuf</c>. Default: none (tracing off).
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default, port 4317) or <c>http/protobuf</c> (port 4318), as the collector listens.</summary>
    [RegularExpression("^(grpc|http/protobuf)$", ErrorMessage = "The field {0} must be grpc or http/protobuf.")]
    public string Protocol { get; set; } = "grpc";

    /// <summary>
    /// Share of new traces kept, 0 to 1. Default 1 (every request). A <c>traceparent</c> from the load balancer keeps
    /// its own decision, so a trace is never cut between replicas. Lower it on busy servers: every kept trace is
    /// about ten spans per request, plus the batch spans.
    /// </summary>
    [Range(0.0, 1.0)]
    public double SampleRatio { get; set; } = 1.0;

    /// <summary>Whether tracing runs: an endpoint is configured here or through the OpenTelemetry environment variable.</summary>
    public bool IsEnabled(IConfiguration configuration) =>
        OtlpEndpoint is not null || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
}
