using System.Globalization;
using System.Text.Json;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Backends;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Serving.KServe;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InferenceApi.Endpoints;

/// <summary>
/// KServe v2 / Open Inference Protocol over REST, so Triton and KServe clients and tooling can talk to the server:
/// server and model metadata, health, and tensor inference in JSON or with the binary tensor extension. Errors are
/// <c>{"error": "message"}</c> with the status from <see cref="ErrorTable"/>. Health answers follow the protocol: 200
/// for true, 400 with an empty body for false. The protocol's logic is <see cref="KServeService"/>'s, shared with the
/// gRPC front end; what a model accepts and answers comes from its <see cref="IKServeModelAdapter"/>.
/// </summary>
public static class KServeV2Endpoints
{
    /// <summary>The binary tensor extension's request parameter: every output as binary data, unless an output says otherwise.</summary>
    public const string BinaryDataOutput = "binary_data_output";

    /// <summary>The binary tensor extension's output parameter: this output as binary data (true) or JSON (false).</summary>
    public const string BinaryData = "binary_data";

    private static readonly BodySizeLimit TensorBodyLimit = new(api => api.MaxTensorRequestBytes);

    /// <summary>The protocol's "false" is a 400 with no body: the status-code pages must not fill one in.</summary>
    private static readonly SkipStatusCodePagesAttribute EmptyFalse = new();

    public static IEndpointRouteBuilder MapKServeV2Endpoints(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup(ErrorFamilies.KServePrefix).WithTags("KServe v2").WithErrorFamily(ErrorFamily.KServe)
            .WithRouteExample("name", ExampleModels.Classifier).WithRouteExample("version", ExampleModels.ClassifierVersion);
        v2.MapGet("/", ServerMetadata)
            .WithName("KServeServerMetadata")
            .WithSummary("Server metadata: name, version and protocol extensions (binary_tensor_data, model_repository, generate).");
        v2.MapGet("/health/live", Live)
            .AllowAnonymous()
            .WithName("KServeServerLive")
            .WithSummary("Liveness: 200 while the process serves requests.");
        v2.MapGet("/health/ready", Ready)
            .AllowAnonymous()
            .WithName("KServeServerReady")
            .WithSummary("Readiness, the same answer as /health/ready: 200 once the first model scan has loaded (a version loading or refused later does not count), 400 (empty body, as the protocol says) before that or while draining.")
            .WithMetadata(EmptyFalse);
        v2.MapGet("/models/{name}", Metadata)
            .WithName("KServeModelMetadata")
            .WithSummary("Model metadata for the serving version: inputs and outputs with datatypes and shapes (-1 where dynamic): the graph's own for tensor models; input_ids/attention_mask INT64 or text BYTES → logits or embeddings FP32 for text models; pixel_values FP32 or image BYTES → logits for image models.")
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
            .WithSummary("Infer on the serving version, with JSON tensors or the binary tensor extension; rows are batched with every other request.")
            .WithDescription("Tensor models take and answer their graph's own tensors (GET the model for names, datatypes and shapes). Binary tensor extension: send a JSON header of Inference-Header-Content-Length bytes, then each binary input's bytes (parameter binary_data_size), and ask binary outputs with binary_data: true on an output or binary_data_output: true on the request. Text models take input_ids INT64 [batch, sequence] (with optional attention_mask, and token_type_ids of zeros) or text BYTES [batch] (parameter truncate). They answer logits FP32 [batch, labels] (raw, before softmax) or embeddings FP32 [batch, hidden] (masked mean pooling, not normalised). data may be flat or nested; answers are flat.")
            .Accepts<KServeInferRequest>("application/json", "application/octet-stream")
            .WithMetadata(TensorBodyLimit)
            .WithRequestExample(TextExample)
            .ProducesErrors();
        v2.MapPost("/models/{name}/versions/{version}/infer", InferVersionAsync)
            .WithName("KServeInferVersion")
            .WithSummary("Infer on a pinned version (JSON or binary tensors).")
            .Accepts<KServeInferRequest>("application/json", "application/octet-stream")
            .WithMetadata(TensorBodyLimit)
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
            new KServeRequestInput(TextEncoderKServeAdapter.InputIds, [2, 4], "INT64", null, JsonSerializer.SerializeToElement(new[] { new[] { 2, 1296, 3, 0 }, new[] { 2, 1296, 5, 3 } })),
            new KServeRequestInput(TextEncoderKServeAdapter.AttentionMask, [2, 4], "INT64", null, JsonSerializer.SerializeToElement(new[] { 1, 1, 1, 0, 1, 1, 1, 1 })),
        ],
        null);

    private static Ok<KServeServerMetadata> ServerMetadata() => TypedResults.Ok(KServeService.ServerMetadata);

    private static Ok Live() => TypedResults.Ok();

    private static Results<Ok, BadRequest> Ready(KServeService kserve) => kserve.IsReady ? TypedResults.Ok() : TypedResults.BadRequest();

    private static Results<Ok<KServeModelMetadata>, ErrorResult> Metadata(string name, KServeService kserve) => Describe(kserve.Metadata(name, null));

    private static Results<Ok<KServeModelMetadata>, ErrorResult> VersionMetadata(string name, string version, KServeService kserve) =>
        Describe(kserve.Metadata(name, version));

    private static Results<Ok, BadRequest, ErrorResult> ModelReady(string name, KServeService kserve) => Readiness(kserve.IsModelReady(name, null));

    private static Results<Ok, BadRequest, ErrorResult> VersionReady(string name, string version, KServeService kserve) =>
        Readiness(kserve.IsModelReady(name, version));

    private static Task<IResult> InferAsync(string name, KServeInferBody body, KServeRequestValidator validator, KServeService kserve, HttpContext http, CancellationToken cancellationToken) =>
        RunAsync(name, null, body, validator, kserve, http, cancellationToken);

    private static Task<IResult> InferVersionAsync(
        string name, string version, KServeInferBody body, KServeRequestValidator validator, KServeService kserve, HttpContext http, CancellationToken cancellationToken) =>
        RunAsync(name, version, body, validator, kserve, http, cancellationToken);

    private static Results<Ok<KServeModelMetadata>, ErrorResult> Describe(Result<KServeModelMetadata> metadata) =>
        metadata.IsSuccess ? TypedResults.Ok(metadata.Value) : new ErrorResult(metadata.Error);

    private static Results<Ok, BadRequest, ErrorResult> Readiness(Result<bool> ready) =>
        !ready.IsSuccess ? new ErrorResult(ready.Error) : ready.Value ? TypedResults.Ok() : TypedResults.BadRequest();

    private static async Task<IResult> RunAsync(
        string name, string? version, KServeInferBody body, KServeRequestValidator validator, KServeService kserve, HttpContext http, CancellationToken cancellationToken)
    {
        if (body.Error is { } unreadable)
        {
            return new ErrorResult(unreadable);
        }

        var validated = validator.Validate(body.Request, body.Binary);
        if (!validated.IsSuccess)
        {
            return new ErrorResult(validated.Error);
        }

        var answered = http.Report(await kserve.InferAsync(name, version, validated.Value, cancellationToken).ConfigureAwait(false));
        if (!answered.IsSuccess)
        {
            return new ErrorResult(answered.Error);
        }

        var result = answered.Value;
        var binary = BinaryOutputs(body.Request!);
        var binaries = new List<TensorValue>();
        var outputs = new List<KServeResponseOutput>(result.Outputs.Count);
        foreach (var output in result.Outputs)
        {
            if (binary(output.Name))
            {
                binaries.Add(output.Value);
                var size = new Dictionary<string, object> { [KServeRequestValidator.BinaryDataSize] = KServeTensorBinary.Size(output.Value) };
                outputs.Add(new KServeResponseOutput(output.Name, output.Value.Shape, output.Datatype, size, null));
            }
            else
            {
                outputs.Add(new KServeResponseOutput(output.Name, output.Value.Shape, output.Datatype, null, output.Value));
            }
        }

        var response = new KServeInferResponse(result.Model.Name, result.Model.Version.ToString(CultureInfo.InvariantCulture), result.Id, null, outputs);
        return binaries.Count > 0 ? new KServeBinaryResult(response, binaries) : TypedResults.Ok(response);
    }

    /// <summary>
    /// Which outputs go as binary data: those whose request output says <c>binary_data: true</c>, or, when it says
    /// nothing, every output if the request's <c>binary_data_output</c> parameter is true (the binary tensor extension).
    /// </summary>
    private static Func<string, bool> BinaryOutputs(KServeInferRequest request)
    {
        var all = request.Parameters?.TryGetValue(BinaryDataOutput, out var flag) == true && flag.ValueKind == JsonValueKind.True;
        var each = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var output in request.Outputs ?? [])
        {
            if (output?.Name is { } outputName && output.Parameters?.TryGetValue(BinaryData, out var own) == true && own.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                each[outputName] = own.ValueKind == JsonValueKind.True;
            }
        }

        return name => each.TryGetValue(name, out var own) ? own : all;
    }
}
