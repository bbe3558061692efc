using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceApi.Endpoints;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{name}</c>: OpenAI's model list, with each model's task,
/// versions, status and refusal reasons, labels and limits added.
/// </summary>
public static class ModelsEndpoints
{
    public static IEndpointRouteBuilder MapModelsEndpoints(this IEndpointRouteBuilder app)
    {
        // OpenAI's SDKs list and read models here too: they get OpenAI's error object, everyone else problem details.
        var group = app.MapGroup("/v1/models").WithTags("Models").WithOpenAiErrorsForOpenAiClients();
        group.MapGet("/", List)
            .WithName("ListModels")
            .WithSummary("List every model with its versions, status (and refusal reason), task, labels and limits; OpenAI clients read it too.");
        group.MapGet("/{name}", Get)
            .WithName("GetModel")
            .WithSummary("One model's versions, status, task, labels and limits.")
            .ProducesErrors();
        return app;
    }

    private static Ok<ModelList> List(ModelRepository repository) =>
        TypedResults.Ok(new ModelList(repository.Snapshot().GroupBy(v => v.Name).Select(ToInfo).ToList()));

    private static Results<Ok<ModelInfo>, ErrorResult> Get(string name, ModelRepository repository)
    {
        if (ModelName.Parse(name, "name").Error is { } invalid)
        {
            return new ErrorResult(invalid);
        }

        var versions = repository.Snapshot().Where(v => v.Name == name).ToList();
        return versions.Count == 0
            ? new ErrorResult(InferenceError.ModelNotFound(name))
            : TypedResults.Ok(ToInfo(versions.GroupBy(v => v.Name).Single()));
    }

    private static ModelInfo ToInfo(IGrouping<string, VersionSnapshot> versions)
    {
        var serving = versions.Where(v => v.Status == ModelStatus.Ready).MaxBy(v => v.Version);
        var status = serving is not null ? "ready"
            : versions.Any(v => v.Status == ModelStatus.Loading) ? "loading"
            : "unavailable";
        var created = versions.Min(v => v.ReadySince)?.ToUnixTimeSeconds() ?? 0;
        return new ModelInfo(
            versions.Key,
            created,
            (serving ?? versions.First()).Description?.Task.ToName(),
            status,
            serving?.Version,
            versions.Select(ToVersionInfo).ToList());
    }

    private static ModelVersionInfo ToVersionInfo(VersionSnapshot version)
    {
        var d = version.Description;
        return new ModelVersionInfo(
            version.Version,
            version.Status.ToString().ToLowerInvariant(),
            version.Reason,
            d?.Task.ToName(),
            d?.Labels is { Count: > 0 } labels ? labels : null,
            d?.MaxSequenceLength,
            d is null ? null : new BatchingInfo(
                d.Limits.MaxBatchSize,
                d.Limits.MaxBatchTokens,
                d.Limits.MaxQueueDelay.TotalMilliseconds,
                d.Limits.QueueCapacity,
                d.Limits.Instances,
                d.RequestTimeout.TotalMilliseconds,
                version.QueueDepth),
            d?.Placement,
            d?.Signature.Inputs.Select(i => i.ToString()).ToList(),
            d?.Signature.Outputs.Select(o => o.ToString()).ToList());
    }
}
