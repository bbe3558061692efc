using InferenceApi.Endpoints;
using InferenceApi.Errors;
using InferenceApi.Health;
using InferenceApi.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddInferenceObservability();
builder.AddInferenceTracing();
builder.Services.AddInferenceServer(builder.Configuration);
builder.Services.AddInferenceApiDocs();
builder.AddPlayground();

var app = builder.Build();

// Outermost, so it reports what the client received, whichever middleware wrote it (the exception handler included).
app.UseMiddleware<RequestTelemetryMiddleware>();
app.UseExceptionHandler();
app.UsePlayground();

// Statuses the framework answers itself (unknown route, wrong method) get the same error bodies as everything else.
app.UseStatusCodePages(FrameworkErrors.WriteAsync);
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseSwagger();
app.UseSwaggerUI();

app.MapClassificationEndpoints();
app.MapEmbeddingsEndpoints();
app.MapOpenAiEmbeddingsEndpoints();
app.MapOpenAiGenerationEndpoints();
app.MapVisionEndpoints();
app.MapGenerationEndpoints();
app.MapTokenizationEndpoints();
app.MapModelsEndpoints();
app.MapKServeV2Endpoints();
app.MapHealthChecks("/health/live", new() { Predicate = _ => false, ResponseWriter = HealthChecks.UI.Client.UIResponseWriter.WriteHealthCheckUIResponse });
app.MapGet("/health/ready", ReadinessEndpoint.WriteAsync).WithTags("Operations").WithSummary("Readiness: per-model and Redis entries in the HealthChecks UI format.");
app.MapPrometheusScrapingEndpoint("/metrics");

app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
