using InferenceApi.Access;
using InferenceApi.Endpoints;
using InferenceApi.Errors;
using InferenceApi.Health;
using InferenceApi.Hosting;
using Microsoft.Extensions.Options;
using Serilog;

// `keys new …` makes an API key and exits; anything else serves.
if (KeysCommand.Matches(args))
{
    return KeysCommand.Run(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddInferenceObservability();
builder.AddInferenceTracing();
builder.Services.AddInferenceServer(builder.Configuration);
builder.Services.AddAccessControl();
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
app.UseMiddleware<AccessControlMiddleware>();
if (app.Services.GetRequiredService<IOptions<SwaggerOptions>>().Value.Enabled)
{
    app.UseSwagger();
    app.UseSwaggerUI();
}

// Every API route: a model named in the body must be one of the caller's.
var api = app.MapGroup(string.Empty).AddEndpointFilterFactory(ModelAccessFilter.Create);
api.MapClassificationEndpoints();
api.MapEmbeddingsEndpoints();
api.MapOpenAiEmbeddingsEndpoints();
api.MapOpenAiGenerationEndpoints();
api.MapVisionEndpoints();
api.MapGenerationEndpoints();
api.MapTokenizationEndpoints();
api.MapModelsEndpoints();
api.MapKServeV2Endpoints();
app.MapHealthChecks("/health/live", new() { Predicate = _ => false, ResponseWriter = HealthChecks.UI.Client.UIResponseWriter.WriteHealthCheckUIResponse });
app.MapGet("/health/ready", ReadinessEndpoint.WriteAsync).WithTags("Operations").WithSummary("Readiness: per-model and Redis entries in the HealthChecks UI format.");
if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Exposure != MetricsExposure.Off)
{
    app.MapPrometheusScrapingEndpoint("/metrics");
}

app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();

app.Run();
return 0;

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
