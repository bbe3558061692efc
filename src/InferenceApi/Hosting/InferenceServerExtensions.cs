using System.Text.Json;
using System.Text.Json.Serialization;
using InferenceApi.Caching;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tensors;
using InferenceApi.Errors;
using InferenceApi.Serving;
using InferenceApi.Serving.KServe;
using InferenceApi.Onnx;
using InferenceApi.Validation;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace InferenceApi.Hosting;

/// <summary>The server's service registrations, one call per concern, so Program.cs reads as a list.</summary>
public static class InferenceServerExtensions
{
    private const string ApiKeyScheme = "ApiKey";

    /// <summary>Options, the model repository with its loaders, the ONNX Runtime backend, and the request pipeline.</summary>
    public static IServiceCollection AddInferenceServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModelRepositoryOptions>().BindConfiguration(ModelRepositoryOptions.Section).ValidateOnStart()
            .PostConfigure<IHostEnvironment>((options, host) => options.Path = Path.GetFullPath(options.Path, host.ContentRootPath));
        services.AddSingleton<IValidateOptions<ModelRepositoryOptions>>(new SectionValidator<ModelRepositoryOptions>(ModelRepositoryOptions.Section));
        services.AddSingleton<IValidateOptions<ModelRepositoryOptions>, ServingDefaultsValidator>();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>>(new SectionValidator<ApiOptions>(ApiOptions.Section));
        services.AddOptions<LogOptions>().BindConfiguration(LogOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LogOptions>>(new SectionValidator<LogOptions>(LogOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<InferenceMetrics>();
        services.AddOptions<OnnxRuntimeOptions>().BindConfiguration(OnnxRuntimeOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OnnxRuntimeOptions>>(new SectionValidator<OnnxRuntimeOptions>(OnnxRuntimeOptions.Section));
        services.AddSingleton<OnnxSessionFactory>();
        services.AddSingleton<IInferenceBackend, OnnxBackend>();
        services.AddSingleton<IModelLoader, TextEncoderLoader>();
        services.AddSingleton<IModelLoader, ImageClassifierLoader>();
        services.AddSingleton<IModelLoader, TextGenerationLoader>();
        services.AddSingleton<IModelLoader, TensorModelLoader>();
        services.AddSingleton<ModelRepository>();
        services.AddHostedService<ModelRepositoryService>();
        services.AddHostedService<ImageMemoryTrimmer>();
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
        services.AddSingleton<IKServeModelAdapter, TensorKServeAdapter>();
        services.AddSingleton<KServeService>();
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

    /// <summary>
    /// Console logs through the framework's formatters, JSON or text (<see cref="LogOptions.Format"/>), and Prometheus
    /// metrics.
    /// </summary>
    public static WebApplicationBuilder AddInferenceObservability(this WebApplicationBuilder builder)
    {
        // The format is needed before the options exist: the console provider is chosen while the host is built.
        var format = builder.Configuration.GetValue(LogOptions.Section + ":" + nameof(LogOptions.Format), LogFormat.Auto);
        if (format == LogFormat.Auto)
        {
            format = builder.Environment.IsDevelopment() || !Console.IsOutputRedirected ? LogFormat.Text : LogFormat.Json;
        }

        if (format == LogFormat.Text)
        {
            builder.Logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        else
        {
            // Scopes carry the request id and trace id on every line, and the run's figures on a request's line.
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

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

    /// <summary>Swagger UI at /swagger (unless <c>Api:Swagger:Enabled</c> is false) with an example body for every endpoint, and the Bearer scheme for "Try it out" with a key.</summary>
    public static IServiceCollection AddInferenceApiDocs(this IServiceCollection services)
    {
        services.AddOptions<SwaggerOptions>().BindConfiguration(SwaggerOptions.Section);
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new Microsoft.OpenApi.OpenApiInfo
            {
                Title = "InferenceApi",
                Version = "v1",
                Description = "Self-hosted ONNX model inference: text classification, embeddings, text generation (streaming with server-sent events) " +
                    "and image classification; tokenization; the OpenAI API (completions, chat, embeddings, models) and the KServe v2 / Open " +
                    "Inference Protocol; health and Prometheus metrics. Every example names a model shipped in models/, so \"Try it out\" answers as is.",
            });
            options.OperationFilter<RequestExamplesOperationFilter>();
            options.DocumentFilter<OperationsDocumentFilter>();

            // With keys configured, "Authorize" takes one and every "Try it out" sends it; without keys it is simply unused.
            options.AddSecurityDefinition(ApiKeyScheme, new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (keys new prints one), sent as Authorization: Bearer KEY. Needed for /v1 and /v2 when the server has keys configured.",
            });
            options.AddSecurityRequirement(document => new Microsoft.OpenApi.OpenApiSecurityRequirement
            {
                [new Microsoft.OpenApi.OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [],
            });
            options.CustomSchemaIds(type => type.FullName?.Replace('+', '.'));
        });
        return services;
    }
}
