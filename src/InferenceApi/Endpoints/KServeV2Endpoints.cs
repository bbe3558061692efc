using System.Globalization;
using System.Reflection;
using System.Text.Json;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Serving.KServe;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InferenceApi.Endpoints;

/// <summary>
/// KServe v2 / Open Inference Protocol over REST, so Triton and KServe clients and tooling can talk to the server:
/// server and model metadata, health, and JSON tensor inference. Errors are <c>{"error": "message"}</c> with the
/// status from <see cref="ErrorTable"/>. Health answers follow the protocol: 200 for true, 400 with an empty body
/// for false. What a model accepts and answers comes from its <see cref="IKServeModelAdapter"/>.
/// </summary>
public static class KServeV2Endpoints
{
    public const string ServerName = "inference-api";
    public const string Platform = "onnxruntime_onnx";

    private static readonly string ServerVersion = ReadServerVersion();

    /// <summary>The protocol's "false" is a 400 with no body: the status-code pages must not fill one in.</summary>
    private static readonly SkipStatusCodePagesAttribute EmptyFalse = new();

    public static IEndpointRouteBuilder MapKServeV2Endpoints(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup(ErrorFamilies.KServePrefix).WithTags("KServe v2").WithErrorFamily(ErrorFamily.KServe);
        v2.MapGet("/", ServerMetadata)
            .WithName("KServeServerMetadata")
            .WithSummary("Server metadata: name, version and protocol extensions (none).");
        v2.MapGet("/health/live", Live)
            .WithName("KServeServerLive")
            .WithSummary("Liveness: 200 while the process serves requests.");
        v2.MapGet("/health/ready", Ready)
            .WithName("KServeServerReady")
            .WithSummary("Readiness, the same answer as /health/ready: 200 once the first model scan has loaded (a version loading or refused later does not count), 400 (empty body, as the protocol says) before that or while draining.")
            .WithMetadata(EmptyFalse);
        v2.MapGet("/models/{name}", Metadata)
            .WithName("KServeModelMetadata")
            .WithSummary("Model metadata for the serving version: inputs (input_ids/attention_mask INT64 or text BYTES) and outputs (logits FP32 raw, or embeddings FP32 mean-pooled, not normalised).")
            .ProducesErrors();
        v2.MapGet("/models/{name}/versions/{version}", VersionMetadata)
            .WithName("KServeModelVersionMetadata")
            .WithSummary("Model metadata for a pinned version.")
            .ProducesErrors();
        v2.MapGet("/models/{name}/ready", ModelReady)
            .WithName("KServeModelReady")
            .WithSummary("200 when some version of the model is ready, 400 (empty body) when it is known but not ready, 404 when unknown.")
            .WithMetadata(EmptyFalse)
            .ProducesErrors();
        v2.MapGet("/models/{name}/versions/{version}/ready", VersionReady)
            .WithName("KServeModelVersionReady")
            .WithSummary("200 when that version is ready, 400 (empty body) when it is known but not ready, 404 when unknown.")
            .WithMetadata(EmptyFalse)
            .ProducesErrors();
        v2.MapPost("/models/{name}/infer", InferAsync)
            .WithName("KServeInfer")
            .WithSummary("Infer with JSON tensors on the serving version; rows are batched with every other request.")
            .WithDescription("Text models take input_ids INT64 [batch, sequence] (with optional attention_mask, and token_type_ids of zeros) or text BYTES [batch] (parameter truncate). They answer logits FP32 [batch, labels] (raw, before softmax) or embeddings FP32 [batch, hidden] (masked mean pooling, not normalised). data may be flat or nested; answers are flat.")
            .Accepts<KServeInferRequest>("application/json")
            .WithRequestExample(TextExample)
            .ProducesErrors();
        v2.MapPost("/models/{name}/versions/{version}/infer", InferVersionAsync)
            .WithName("KServeInferVersion")
            .WithSummary("Infer with JSON tensors on a pinned version.")
            .Accepts<KServeInferRequest>("application/json")
            .WithRequestExample(IdsExample)
            .ProducesErrors();
        return app;
    }

    private static KServeInferRequest TextExample => new(
        "request-1",
        null,
        [new KServeRequestInput(TextEncoderKServeAdapter.Text, [2], "BYTES", null, JsonSerializer.SerializeToElement(new[] { "The movie was great!", "A dull, boring plot." }))],
        [new KServeRequestOutput(TextEncoderKServeAdapter.Logits, null)]);

    private static KServeInferRequest IdsExample => new(
        "request-2",
        null,
        [
            new KServeRequestInput(TextEncoderKServeAdapter.InputIds, [2, 4], "INT64", null, JsonSerializer.SerializeToElement(new[] { new[] { 101, 2307, 102, 0 }, new[] { 101, 2307, 999, 102 } })),
            new KServeRequestInput(TextEncoderKServeAdapter.AttentionMask, [2, 4], "INT64", null, JsonSerializer.SerializeToElement(new[] { 1, 1, 1, 0, 1, 1, 1, 1 })),
        ],
        null);

    private static Ok<KServeServerMetadata> ServerMetadata() => TypedResults.Ok(new KServeServerMetadata(ServerName, ServerVersion, []));

    private static Ok Live() => TypedResults.Ok();

    private static Results<Ok, BadRequest> Ready(ModelRepository repository, GracefulShutdown shutdown) =>
        repository.Readiness(shutdown.IsDraining).IsReady ? TypedResults.Ok() : TypedResults.BadRequest();

    private static Results<Ok<KServeModelMetadata>, ErrorResult> Metadata(string name, ModelRepository repository, KServeAdapterRegistry adapters) =>
        DescribeModel(name, null, repository, adapters);

    private static Results<Ok<KServeModelMetadata>, ErrorResult> VersionMetadata(string name, string version, ModelRepository repository, KServeAdapterRegistry adapters) =>
        DescribeModel(name, version, repository, adapters);

    private static Results<Ok, BadRequest, ErrorResult> ModelReady(string name, ModelRepository repository) =>
        IsReady(name, null, repository);

    private static Results<Ok, BadRequest, ErrorResult> VersionReady(string name, string version, ModelRepository repository) =>
        IsReady(name, version, repository);

    private static Task<Results<Ok<KServeInferResponse>, ErrorResult>> InferAsync(
        string name,
        KServeInferRequest request,
        KServeRequestValidator validator,
        ModelRepository repository,
        KServeAdapterRegistry adapters,
        HttpContext http,
        CancellationToken cancellationToken) =>
        RunAsync(name, null, request, validator, repository, adapters, http, cancellationToken);

    private static Task<Results<Ok<KServeInferResponse>, ErrorResult>> InferVersionAsync(
        string name,
        string version,
        KServeInferRequest request,
        KServeRequestValidator validator,
        ModelRepository repository,
        KServeAdapterRegistry adapters,
        HttpContext http,
        CancellationToken cancellationToken) =>
        RunAsync(name, version, request, validator, repository, adapters, http, cancellationToken);

    private static Results<Ok<KServeModelMetadata>, ErrorResult> DescribeModel(string name, string? version, ModelRepository repository, KServeAdapterRegistry adapters)
    {
        var selector = KServeRequestValidator.Route(name, version);
        if (!selector.IsSuccess)
        {
            return new ErrorResult(selector.Error);
        }

        var acquired = repository.Acquire<IModelRuntime>(selector.Value.Name, selector.Value.Version);
        if (!acquired.IsSuccess)
        {
            return new ErrorResult(acquired.Error);
        }

        using var lease = acquired.Value;
        var adapter = adapters.For(name, lease.Runtime);
        if (!adapter.IsSuccess)
        {
            return new ErrorResult(adapter.Error);
        }

        var signature = adapter.Value.Describe(lease.Runtime.Description);
        IReadOnlyList<long> versions = selector.Value.Version is { } pinned ? [pinned] : repository.Model(selector.Value.Name)?.ReadyVersions ?? [];
        return TypedResults.Ok(new KServeModelMetadata(name, versions.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToList(), Platform, signature.Inputs, signature.Outputs));
    }

    private static Results<Ok, BadRequest, ErrorResult> IsReady(string name, string? version, ModelRepository repository)
    {
        var selector = KServeRequestValidator.Route(name, version);
        if (!selector.IsSuccess)
        {
            return new ErrorResult(selector.Error);
        }

        var serving = repository.IsServing(selector.Value.Name, selector.Value.Version);
        return !serving.IsSuccess ? new ErrorResult(serving.Error)
            : serving.Value ? TypedResults.Ok()
            : TypedResults.BadRequest();
    }

    private static async Task<Results<Ok<KServeInferResponse>, ErrorResult>> RunAsync(
        string name,
        string? version,
        KServeInferRequest request,
        KServeRequestValidator validator,
        ModelRepository repository,
        KServeAdapterRegistry adapters,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var selector = KServeRequestValidator.Route(name, version);
        if (!selector.IsSuccess)
        {
            return new ErrorResult(selector.Error);
        }

        var validated = validator.Validate(request);
        if (!validated.IsSuccess)
        {
            return new ErrorResult(validated.Error);
        }

        var acquired = repository.Acquire<IModelRuntime>(selector.Value.Name, selector.Value.Version);
        if (!acquired.IsSuccess)
        {
            return new ErrorResult(acquired.Error);
        }

        using var lease = acquired.Value;
        http.Tag(lease.Model);
        var adapter = adapters.For(name, lease.Runtime);
        if (!adapter.IsSuccess)
        {
            return new ErrorResult(adapter.Error);
        }

        var offered = adapter.Value.Describe(lease.Runtime.Description).Outputs.Select(o => o.Name).ToList();
        var requested = validated.Value.RequestedOutputs;
        if (requested?.FirstOrDefault(o => !offered.Contains(o)) is { } unknown)
        {
            return new ErrorResult(InferenceError.Invalid(
                $"outputs[{requested.ToList().IndexOf(unknown)}].name",
                $"'{unknown}' is not an output of model '{name}'; it has {string.Join(", ", offered)}.",
                limit: offered,
                received: unknown));
        }

        var outputs = http.Report(await adapter.Value.InferAsync(lease, validated.Value, cancellationToken).ConfigureAwait(false));
        if (!outputs.IsSuccess)
        {
            return new ErrorResult(outputs.Error);
        }

        var answered = requested is { Count: > 0 } ? outputs.Value.Where(o => requested.Contains(o.Name)).ToList() : outputs.Value;
        return TypedResults.Ok(new KServeInferResponse(
            lease.Model.Name,
            lease.Model.Version.ToString(CultureInfo.InvariantCulture),
            validated.Value.Id,
            null,
            answered));
    }

    private static string ReadServerVersion()
    {
        var assembly = typeof(KServeV2Endpoints).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
    }
}
