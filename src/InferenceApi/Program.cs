using InferenceApi.Access;
using InferenceApi.Endpoints;
using InferenceApi.Errors;
using InferenceApi.Health;
using InferenceApi.Hosting;
using Microsoft.Extensions.Options;

// `keys new …` makes an API key and exits; anything else serves.
if (KeysCommand.Matches(args))
{
    return KeysCommand.Run(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddInferenceObservability();
builder.AddInferenceTracing();
builder.AddKServeGrpc();
builder.Services.AddInferenceServer(builder.Configuration);
builder.Services.AddAccessControl();
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
api.MapKServeGenerateEndpoints();

// Model control (load, unload) needs the admin scope; gRPC calls pass the same access middleware as REST.
api.MapKServeRepositoryEndpoints().RequireApiScope(ApiScopes.Admin);
app.MapKServeGrpc();
app.MapHealthChecks("/health/live", new() { Predicate = _ => false, ResponseWriter = HealthChecks.UI.Client.UIResponseWriter.WriteHealthCheckUIResponse });
app.MapGet("/health/ready", ReadinessEndpoint.WriteAsync).WithTags("Operations").WithSummary("Readiness: per-model and Redis entries in the HealthChecks UI format.");
if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Exposure != MetricsExposure.Off)
{
    app.MapPrometheusScrapingEndpoint("/metrics");
}

app.Run();
return 0;

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
