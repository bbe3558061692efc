using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using InferenceApi.Grpc;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.KServe;

/// <summary>
/// One real Kestrel server for the KServe v2 tensor, binary, gRPC and generate tests: HTTP/1.1 on one loopback port,
/// gRPC (cleartext HTTP/2) on another (<c>Grpc:Port</c>). Models: the test conv net as "convnet" (batched, no delay),
/// "convnet-batched" (waits up to 5 s for 8 rows), "convnet-single" (maxBatchSize 0: unbatched), the all-datatypes
/// identity graph, and the BERT, ViT and GPT fixtures.
/// </summary>
public sealed class TensorServer : IAsyncLifetime
{
    public const int BatchedRows = 8;

    public TensorServer()
    {
        GrpcPort = FreePort();
        HttpAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        Factory = new InferenceApiFactory()
            .With("Grpc:Port", GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("urls", HttpAddress.ToString())
            .With("Cache:Enabled", "false");

        // Kestrel with the server's own endpoint rules: the HTTP address from "urls", declared again beside the gRPC port.
        Factory.UseKestrel(_ => { });
    }

    public InferenceApiFactory Factory { get; }

    public int GrpcPort { get; }

    public Uri HttpAddress { get; }

    public HttpClient Client { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public GRPCInferenceService.GRPCInferenceServiceClient Grpc { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var models = Factory.Models.Path;
        TensorModels.WriteConvNet(Path.Combine(models, "convnet"));
        TensorModels.WriteConvNet(Path.Combine(models, "convnet-batched"));
        File.WriteAllText(Path.Combine(models, "convnet-batched", "inference.json"), $$"""{ "maxBatchSize": {{BatchedRows}}, "maxQueueDelayMs": 5000, "maxQueueTimeMs": 60000 }""");
        TensorModels.WriteConvNet(Path.Combine(models, "convnet-single"));
        File.WriteAllText(Path.Combine(models, "convnet-single", "inference.json"), """{ "maxBatchSize": 0 }""");
        TensorModels.WriteIdentity(Path.Combine(models, "identity"));
        Factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");
        Factory.AddModel(Fixtures.TinyVit, "tiny-vit");
        Factory.AddModel(Fixtures.TinyGpt, "tiny-gpt");
        Client = await Factory.StartAsync(HttpAddress);
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
        Grpc = new GRPCInferenceService.GRPCInferenceServiceClient(Channel);
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        Client.Dispose();
        await Factory.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The test classes that share <see cref="TensorServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class TensorServerCollection : ICollectionFixture<TensorServer>
{
    public const string Name = "tensor server";
}
