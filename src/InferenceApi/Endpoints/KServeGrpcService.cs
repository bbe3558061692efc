using Grpc.Core;
using InferenceApi.Access;
using InferenceApi.Core.Errors;
using InferenceApi.Errors;
using InferenceApi.Grpc;
using InferenceApi.Serving.KServe;
using Microsoft.AspNetCore.Authorization;

namespace InferenceApi.Endpoints;

/// <summary>
/// KServe v2 / Open Inference Protocol over gRPC (<c>inference.GRPCInferenceService</c>), on its own h2c port
/// (<c>Grpc:Port</c>). A front end only: requests become the protocol's transport-neutral types
/// (<see cref="KServeGrpcMapper"/>) and go through the same <see cref="KServeRequestValidator"/> and
/// <see cref="KServeService"/> as REST (same models, adapters, scheduler, cache, limits and metrics); errors are gRPC
/// status codes from the one <see cref="ErrorTable"/> (<see cref="GrpcErrors"/>). Streaming is not offered.
/// </summary>
public sealed class KServeGrpcService(KServeService kserve, KServeRequestValidator validator) : GRPCInferenceService.GRPCInferenceServiceBase
{
    /// <summary>The path every call of this service starts with.</summary>
    public const string PathPrefix = "/inference.GRPCInferenceService";

    // Public, as /v2/health/* is over REST: the access middleware reads the attribute from the call's endpoint.
    [AllowAnonymous]
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    [AllowAnonymous]
    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = kserve.IsReady });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var metadata = KServeService.ServerMetadata;
        var response = new ServerMetadataResponse { Name = metadata.Name, Version = metadata.Version };
        response.Extensions.AddRange(metadata.Extensions);
        return Task.FromResult(response);
    }

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        Authorize(request.Name, "name", context);
        return Task.FromResult(new ModelReadyResponse { Ready = Unwrap(kserve.IsModelReady(request.Name, Version(request.Version)), context) });
    }

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        Authorize(request.Name, "name", context);
        var metadata = Unwrap(kserve.Metadata(request.Name, Version(request.Version)), context);
        var response = new ModelMetadataResponse { Name = metadata.Name, Platform = metadata.Platform };
        response.Versions.AddRange(metadata.Versions);
        response.Inputs.AddRange(metadata.Inputs.Select(Tensor));
        response.Outputs.AddRange(metadata.Outputs.Select(Tensor));
        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        Authorize(request.ModelName, "model_name", context);
        var sources = Unwrap(KServeGrpcMapper.Inputs(request), context);
        var outputs = request.Outputs.Count > 0 ? request.Outputs.Select(o => (string?)o.Name).ToArray() : null;
        var validated = Unwrap(
            validator.Validate(string.IsNullOrEmpty(request.Id) ? null : request.Id, KServeGrpcMapper.Parameters(request.Parameters), sources, outputs),
            context);
        var http = context.GetHttpContext();
        var answered = Unwrap(
            http.Report(await kserve.InferAsync(request.ModelName, Version(request.ModelVersion), validated, context.CancellationToken).ConfigureAwait(false)),
            context);
        return KServeGrpcMapper.Response(answered, raw: request.RawInputContents.Count > 0);
    }

    private static string? Version(string version) => string.IsNullOrEmpty(version) ? null : version;

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(Contracts.KServe.KServeTensorMetadata tensor)
    {
        var metadata = new ModelMetadataResponse.Types.TensorMetadata { Name = tensor.Name, Datatype = tensor.Datatype };
        metadata.Shape.AddRange(tensor.Shape);
        return metadata;
    }

    /// <summary>The model named in the message must be one of the caller's API key's (the access middleware checked the key and scope).</summary>
    private static void Authorize(string model, string field, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (http.AuthorizeModel(model, field) is { } denied)
        {
            throw GrpcErrors.ToRpcException(denied, http);
        }
    }

    private static T Unwrap<T>(Result<T> result, ServerCallContext context) =>
        result.IsSuccess ? result.Value : throw GrpcErrors.ToRpcException(result.Error, context.GetHttpContext());
}
