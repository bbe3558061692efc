using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using InferenceApi.Grpc;

namespace InferenceApi.Tests.Access;

/// <summary>
/// KServe's gRPC calls go through the same access control as REST: ServerLive and ServerReady are public as
/// <c>/v2/health/*</c> is, every other call needs a key (UNAUTHENTICATED without), and a model call needs a key for the model
/// (PERMISSION_DENIED otherwise).
/// </summary>
public sealed class AccessGrpcTests(AccessServer server) : IClassFixture<AccessServer>, IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(server.Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.Factory.Server.CreateHandler() });

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task Health_NoKey_Answers()
    {
        var grpc = Client(key: null);

        Assert.True((await grpc.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await grpc.ServerReadyAsync(new ServerReadyRequest())).Ready);
    }

    [Fact]
    public async Task ServerMetadata_NoKey_IsUnauthenticated()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client(key: null).ServerMetadataAsync(new ServerMetadataRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task ModelMetadata_KeyForTheModelOnly_ServesItAndDeniesTheOther()
    {
        var grpc = Client(server.Team.Key);

        var allowed = await grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "tiny-bert-cls" });
        var denied = await Assert.ThrowsAsync<RpcException>(() => grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "tiny-bert-2" }).ResponseAsync);

        Assert.Equal("tiny-bert-cls", allowed.Name);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    private GRPCInferenceService.GRPCInferenceServiceClient Client(string? key)
    {
        var invoker = key is null ? _channel.CreateCallInvoker() : _channel.CreateCallInvoker().Intercept(metadata =>
        {
            metadata.Add("authorization", $"Bearer {key}");
            return metadata;
        });
        return new GRPCInferenceService.GRPCInferenceServiceClient(invoker);
    }
}
