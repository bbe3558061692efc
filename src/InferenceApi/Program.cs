using InferenceApi.Endpoints;
using InferenceApi.Errors;
using InferenceApi.Health;
using InferenceApi.Hosting;
using Serilog;

var builder = WebApplication.CreateBuilder(args);

builder.AddInferenceObservability();
builder.AddInferenceTracing();
builder.AddKServeGrpc();
builder.Services.AddInferenceServer(builder.Configuration);
builder.Services.AddInferenceApiDocs();

var app = builder.Build();

app.UseExceptionHandler();

// Statuses the framework answers itself (unknown route, wrong method) get the same error bodies as everything else.
app.UseStatusCodePages(FrameworkErrors.WriteAsync);
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseSerilogRequestLogging(options =>
{
    // This host's logger, not the static one: several hosts in one process (the tests) would log into each other's.
    options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
    options.EnrichDiagnosticContext = RequestLogContext.Enrich;
});
app.UseMiddleware<RequestMetricsMiddleware>();
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
app.MapKServeGenerateEndpoints();
// Model control (load, unload) and gRPC return their builders: access rules go on them with one call each.
app.MapKServeRepositoryEndpoints();
app.MapKServeGrpc();
app.MapHealthChecks("/health/live", new() { Predicate = _ => false, ResponseWriter = HealthChecks.UI.Client.UIResponseWriter.WriteHealthCheckUIResponse });
app.MapGet("/health/ready", ReadinessEndpoint.WriteAsync).WithTags("Operations").WithSummary("Readiness: per-model and Redis entries in the HealthChecks UI format.");
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();

app.Run();

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
