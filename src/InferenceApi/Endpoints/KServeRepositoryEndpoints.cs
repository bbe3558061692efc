using System.Globalization;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Models;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceApi.Endpoints;

/// <summary>
/// Triton's model repository extension: <c>POST /v2/repository/index</c>, <c>/v2/repository/models/{name}/load</c> and
/// <c>/unload</c>. A load reads the model's folder now (no two-scan wait) and answers once it serves, or with the reason
/// it was refused; an unload stops new requests at once and lets in-flight ones finish, and holds until a load or a
/// change to the folder.
/// </summary>
/// <remarks>
/// These routes change what the server serves, so they are one route group, returned to the caller: access rules go on
/// it in one place (<c>app.MapKServeRepositoryEndpoints().RequireAuthorization(...)</c>). Until the server has API keys,
/// nothing checks who calls them, as for every other route.
/// </remarks>
public static class KServeRepositoryEndpoints
{
    /// <summary>Maps the repository extension and returns its route group, for the access rules of model control.</summary>
    public static RouteGroupBuilder MapKServeRepositoryEndpoints(this IEndpointRouteBuilder app)
    {
        var repository = app.MapGroup($"{ErrorFamilies.KServePrefix}/repository").WithTags("KServe v2 repository").WithErrorFamily(ErrorFamily.KServe);
        repository.MapPost("/index", Index)
            .WithName("KServeRepositoryIndex")
            .WithSummary("Every model version on disk or loaded, with its state (READY, LOADING, UNLOADING, UNAVAILABLE) and reason; {\"ready\": true} lists only ready ones.")
            .ProducesErrors();
        repository.MapPost("/models/{name}/load", LoadAsync)
            .WithName("KServeRepositoryLoad")
            .WithSummary("Load (or reload) a model from its folder now; 200 once it serves, 400 with the reason when it is refused, 404 when it has no folder.")
            .WithRouteExample("name", ExampleModels.ImageClassifier)
            .ProducesErrors();
        repository.MapPost("/models/{name}/unload", Unload)
            .WithName("KServeRepositoryUnload")
            .WithSummary("Unload a model: new requests are refused at once, in-flight ones finish. It stays unloaded until a load or a change to its folder.")
            .WithRouteExample("name", ExampleModels.ImageClassifier)
            .ProducesErrors();
        return repository;
    }

    private static async Task<Ok<IReadOnlyList<KServeRepositoryIndexEntry>>> Index(HttpRequest http, ModelRepository repository)
    {
        var readyOnly = false;
        if (http.ContentLength is > 0 && http.HasJsonContentType())
        {
            var body = await http.ReadFromJsonAsync<KServeRepositoryIndexRequest>(http.HttpContext.RequestAborted);
            readyOnly = body?.Ready == true;
        }

        IReadOnlyList<KServeRepositoryIndexEntry> entries = repository.Index()
            .Where(e => !readyOnly || e.State == "READY")
            .Select(e => new KServeRepositoryIndexEntry(e.Name, e.Version.ToString(CultureInfo.InvariantCulture), e.State, e.Reason))
            .ToList();
        return TypedResults.Ok(entries);
    }

    private static async Task<Results<Ok, ErrorResult>> LoadAsync(string name, ModelRepository repository, CancellationToken cancellationToken)
    {
        var model = ModelName.Parse(name, "name");
        if (!model.IsSuccess)
        {
            return new ErrorResult(model.Error);
        }

        var loaded = await repository.LoadAsync(model.Value, cancellationToken);
        return loaded.IsSuccess ? TypedResults.Ok() : new ErrorResult(loaded.Error);
    }

    private static Results<Ok, ErrorResult> Unload(string name, ModelRepository repository)
    {
        var model = ModelName.Parse(name, "name");
        if (!model.IsSuccess)
        {
            return new ErrorResult(model.Error);
        }

        var unloaded = repository.Unload(model.Value);
        return unloaded.IsSuccess ? TypedResults.Ok() : new ErrorResult(unloaded.Error);
    }
}
