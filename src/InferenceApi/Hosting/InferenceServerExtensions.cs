using System.Text.Json;
using System.Text.Json.Serialization;
using InferenceApi.Caching;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Errors;
using InferenceApi.Serving;
using InferenceApi.Serving.KServe;
using InferenceApi.Onnx;
using InferenceApi.Validation;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Serilog;
using Serilog.Formatting.Compact;

namespace InferenceApi.Hosting;

/// <summary>The server's service registrations, one call per concern, so Program.cs reads as a list.</summary>
public static class InferenceServerExtensions
{
    /// <summary>Options, the model repository with its loaders, the ONNX Runtime backend, and the request pipeline.</summary>
    public static IServiceCollection AddInferenceServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModelRepositoryOptions>().BindConfiguration(ModelRepositoryOptions.Section).ValidateOnStart()
            .PostConfigure<IHostEnvironment>((options, host) => options.Path = Path.GetFullPath(options.Path, host.ContentRootPath));
        services.AddSingleton<IValidateOptions<ModelRepositoryOptions>>(new SectionValidator<ModelRepositoryOptions>(ModelRepositoryOptions.Section));
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>>(new SectionValidator<ApiOptions>(ApiOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<InferenceMetrics>();
        services.AddSingleton<OnnxSessionFactory>();
        services.AddSingleton<IInferenceBackend, OnnxBackend>();
        services.AddSingleton<IModelLoader, TextEncoderLoader>();
        services.AddSingleton<IModelLoader, ImageClassifierLoader>();
        services.AddSingleton<IModelLoader, TextGenerationLoader>();
        services.AddSingleton<ModelRepository>();
        services.AddHostedService<ModelRepositoryService>();
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ShutdownOptions>, ShutdownOptionsValidator>();
        services.AddSingleton<GracefulShutdown>();
        services.AddHostedService(provider => provider.GetRequiredService<GracefulShutdown>());
        services.AddSingleton<RequestValidator>();
        services.AddSingleton<CachedRunner>();
        services.AddSingleton<TextEncoderGateway>();
        services.AddSingleton<GenerationGateway>();
        services.AddSingleton<ImageClassificationGateway>();
        services.AddSingleton<GenerationCache>();

        // KServe v2: one adapter per kind of model runtime.
        services.AddSingleton<KServeRequestValidator>();
        services.AddSingleton<KServeAdapterRegistry>();
        services.AddSingleton<IKServeModelAdapter, TextEncoderKServeAdapter>();
        services.AddSingleton<IKServeModelAdapter, ImageClassifierKServeAdapter>();
        services.AddResultCache(configuration);
        services.AddHealthChecks();
        // Every error body is written by ErrorResult in its route family's shape (the framework's own statuses through
        // FrameworkErrors, exceptions through UnhandledExceptionHandler); problem details keep the framework's writer.
        services.AddProblemDetails();
        services.AddExceptionHandler<UnhandledExceptionHandler>();

        // Binding failures (malformed JSON, wrong types) must reach the exception handler to get a problem body naming the field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        return services;
    }

    /// <summary>Serilog request and batch logs (JSON on the console by default) and Prometheus metrics.</summary>
    public static WebApplicationBuilder AddInferenceObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services).Enrich.FromLogContext();

            // A server started without the repository's appsettings.json must still log somewhere.
            if (!builder.Configuration.GetSection("Serilog:WriteTo").Exists())
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
        });
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(InferenceMetrics.MeterName).AddPrometheusExporter();
            foreach (var (instrument, buckets) in InferenceMetrics.Buckets)
            {
                metrics.AddView(instrument, new ExplicitBucketHistogramConfiguration { Boundaries = buckets });
            }
        });
        return builder;
    }

    /// <summary>Swagger UI at /swagger with an example body for every endpoint.</summary>
    public static IServiceCollection AddInferenceApiDocs(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new Microsoft.OpenApi.OpenApiInfo
            {
                Title = "InferenceApi",
                Version = "v1",
                Description = "Self-hosted ONNX model inference: classification, embeddings, tokenization; OpenAI-compatible embeddings.",
            });
            options.OperationFilter<RequestExamplesOperationFilter>();
            options.CustomSchemaIds(type => type.FullName?.Replace('+', '.'));
        });
        return services;
    }
}
