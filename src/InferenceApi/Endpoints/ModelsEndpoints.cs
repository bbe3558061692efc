using InferenceApi.Access;
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
        var group = app.MapGroup("/v1/models").WithTags("Models").WithOpenAiErrorsForOpenAiClients()
            .WithRouteExample("name", ExampleModels.Classifier);
        group.MapGet("/", List)
            .WithName("ListModels")
            .WithSummary("List every model (the ones the API key may use) with its versions, status (and refusal reason), task, labels and limits; OpenAI clients read it too.");
        group.MapGet("/{name}", Get)
            .WithName("GetModel")
            .WithSummary("One model's versions, status, task, labels and limits.")
            .ProducesErrors();
        return app;
    }

    /// <summary>The models the caller's key may use (all of them while access control is off).</summary>
    private static Ok<ModelList> List(ModelRepository repository, HttpContext http)
    {
        var caller = http.ApiCaller();
        return TypedResults.Ok(new ModelList(repository.Models().Where(m => caller.CanUse(m.Name)).Select(ToInfo).ToList()));
    }

    private static Results<Ok<ModelInfo>, ErrorResult> Get(string name, ModelRepository repository)
    {
        var parsed = ModelName.Parse(name, "name");
        if (!parsed.IsSuccess)
        {
            return new ErrorResult(parsed.Error);
        }

        return repository.Model(parsed.Value) is { } model
            ? TypedResults.Ok(ToInfo(model))
            : new ErrorResult(InferenceError.ModelNotFound(name));
    }

    private static ModelInfo ToInfo(ModelView model)
    {
        var created = model.Versions.Min(v => v.ReadySince)?.ToUnixTimeSeconds() ?? 0;
        return new ModelInfo(
            model.Name,
            created,
            (model.Serving ?? model.Versions[0]).Description?.Task.ToName(),
            model.Availability.ToString().ToLowerInvariant(),
            model.Serving?.Version,
            model.Versions.Select(ToVersionInfo).ToList());
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
