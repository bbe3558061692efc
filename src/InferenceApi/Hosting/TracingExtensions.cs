using InferenceApi.Core.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace InferenceApi.Hosting;

/// <summary>OpenTelemetry traces: ASP.NET Core's request spans, the server's own (<see cref="InferenceTracing"/>), exported over OTLP.</summary>
public static class TracingExtensions
{
    public static WebApplicationBuilder AddInferenceTracing(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TracingOptions>().BindConfiguration(TracingOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TracingOptions>>(new SectionValidator<TracingOptions>(TracingOptions.Section));

        RequestTraceIds.EnsureListening();
        var options = builder.Configuration.GetSection(TracingOptions.Section).Get<TracingOptions>() ?? new TracingOptions();
        if (!options.IsEnabled(builder.Configuration))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("inference-api", serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRatio)))
                .AddSource(InferenceTracing.SourceName)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = IsTraced)
                .AddOtlpExporter(otlp =>
                {
                    if (options.OtlpEndpoint is { } endpoint)
                    {
                        otlp.Endpoint = endpoint;
                    }

                    if (options.Protocol == "http/protobuf")
                    {
                        otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                    }
                }));
        return builder;
    }

    /// <summary>Probes and scrapes run every few seconds on every replica and would bury the requests that matter.</summary>
    private static bool IsTraced(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics");
}
