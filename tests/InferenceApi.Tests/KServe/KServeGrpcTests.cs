using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using InferenceApi.Grpc;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.KServe;

/// <summary>KServe v2 over gRPC with the client generated from the committed proto: the same answers as REST, for every model kind, and errors as status codes.</summary>
[Collection(TensorServerCollection.Name)]
public sealed class KServeGrpcTests(TensorServer server)
{
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _grpc = server.Grpc;

    [Fact]
    public async Task Health_AndServerMetadata_AnswerAsRest()
    {
        var metadata = await _grpc.ServerMetadataAsync(new ServerMetadataRequest());
        var rest = await (await server.Client.GetAsync("/v2")).ReadJsonAsync();

        Assert.True((await _grpc.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await _grpc.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.True((await _grpc.ModelReadyAsync(new ModelReadyRequest { Name = "convnet", Version = "1" })).Ready);
        Assert.Equal(rest.GetProperty("name").GetString(), metadata.Name);
        Assert.Equal(rest.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()), metadata.Extensions);
    }

    [Theory]
    [InlineData("convnet")]
    [InlineData("tiny-bert-cls")]
    [InlineData("tiny-vit")]
    public async Task ModelMetadata_EqualsRest(string model)
    {
        var grpc = await _grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = model });
        var rest = await (await server.Client.GetAsync($"/v2/models/{model}")).ReadJsonAsync();

        Assert.Equal(rest.GetProperty("platform").GetString(), grpc.Platform);
        Assert.Equal(Describe(rest.GetProperty("inputs")), grpc.Inputs.Select(t => $"{t.Name} {t.Datatype} [{string.Join(',', t.Shape)}]"));
        Assert.Equal(Describe(rest.GetProperty("outputs")), grpc.Outputs.Select(t => $"{t.Name} {t.Datatype} [{string.Join(',', t.Shape)}]"));
    }

    [Fact]
    public async Task ModelInfer_TypedContentsAndRawContents_EqualRest()
    {
        var (frames, offset, keep) = TensorTaskTests.ConvNetInputs(rows: 2, seed: 21);
        var rest = Outputs(await (await server.Client.PostJsonAsync("/v2/models/convnet/infer", TensorTaskTests.ConvNetRequest(frames, offset, keep, 2))).ReadJsonAsync());

        var typed = ConvNetRequest(2);
        typed.Inputs[0].Contents = new InferTensorContents { Fp32Contents = { frames } };
        typed.Inputs[1].Contents = new InferTensorContents { IntContents = { offset } };
        typed.Inputs[2].Contents = new InferTensorContents { BoolContents = { keep } };
        var raw = ConvNetRequest(2);
        raw.RawInputContents.Add(ByteString.CopyFrom(BinaryTensors.Bytes(frames)));
        raw.RawInputContents.Add(ByteString.CopyFrom(BinaryTensors.Bytes(offset)));
        raw.RawInputContents.Add(ByteString.CopyFrom(BinaryTensors.Bools(keep)));

        var fromTyped = await _grpc.ModelInferAsync(typed);
        var fromRaw = await _grpc.ModelInferAsync(raw);

        Assert.Equal("grpc-1", fromTyped.Id);
        Assert.Equal(rest["scores"], fromTyped.Outputs[0].Contents.Fp32Contents.Select(v => (double)v));
        Assert.Equal(rest["label"], fromTyped.Outputs[1].Contents.Int64Contents.Select(v => (double)v));
        Assert.Empty(fromRaw.Outputs[0].Contents?.Fp32Contents ?? []);
        Assert.Equal(rest["scores"], MemoryMarshal.Cast<byte, float>(fromRaw.RawOutputContents[0].Span).ToArray().Select(v => (double)v));
        Assert.Equal(rest["label"], MemoryMarshal.Cast<byte, long>(fromRaw.RawOutputContents[1].Span).ToArray().Select(v => (double)v));
    }

    [Fact]
    public async Task ModelInfer_TextAsBytes_EqualsRest()
    {
        string[] texts = ["The movie was great!", "It is a film."];
        var rest = Outputs(await (await server.Client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", new
        {
            inputs = new[] { new { name = "text", datatype = "BYTES", shape = new[] { 2 }, data = texts } },
        })).ReadJsonAsync());
        var request = new ModelInferRequest { ModelName = "tiny-bert-cls" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor
        {
            Name = "text",
            Datatype = "BYTES",
            Shape = { 2 },
            Contents = new InferTensorContents { BytesContents = { texts.Select(ByteString.CopyFromUtf8) } },
        });

        var answer = await _grpc.ModelInferAsync(request);

        Assert.Equal("logits", answer.Outputs.Single().Name);
        Assert.Equal(rest["logits"], answer.Outputs[0].Contents.Fp32Contents.Select(v => (double)v));
    }

    [Fact]
    public async Task ModelInfer_ImageFileAsRawBytes_EqualsRestWithBase64()
    {
        var file = File.ReadAllBytes(Fixtures.ImageCases[0].Path);
        var rest = Outputs(await (await server.Client.PostJsonAsync("/v2/models/tiny-vit/infer", new
        {
            inputs = new[] { new { name = "image", datatype = "BYTES", shape = new[] { 1 }, data = new[] { Convert.ToBase64String(file) } } },
        })).ReadJsonAsync());
        var request = new ModelInferRequest { ModelName = "tiny-vit", ModelVersion = "1" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "image", Datatype = "BYTES", Shape = { 1 } });
        request.RawInputContents.Add(ByteString.CopyFrom(BinaryTensors.Strings([]).Concat(LengthPrefixed(file)).ToArray()));

        var answer = await _grpc.ModelInferAsync(request);

        Assert.Equal(rest["logits"], MemoryMarshal.Cast<byte, float>(answer.RawOutputContents[0].Span).ToArray().Select(v => (double)v));
    }

    [Fact]
    public async Task ModelInfer_Fp16Output_TravelsAsRawContents()
    {
        var request = new ModelInferRequest { ModelName = "identity" };
        foreach (var (datatype, _) in TensorModels.Datatypes)
        {
            request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = $"in_{datatype}", Datatype = datatype, Shape = { 1, 3 } });
            request.RawInputContents.Add(ByteString.CopyFrom(datatype == "BYTES" ? BinaryTensors.Strings(["x", "y", "z"]) : new byte[3 * Size(datatype)]));
        }

        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "out_FP16" });
        var answer = await _grpc.ModelInferAsync(request);

        Assert.Equal("out_FP16", answer.Outputs.Single().Name);
        Assert.Equal(6, answer.RawOutputContents.Single().Length);
    }

    public static TheoryData<string, StatusCode> Errors() => new()
    {
        { "unknown-model", StatusCode.NotFound },
        { "bad shape", StatusCode.InvalidArgument },
        { "wrong raw count", StatusCode.InvalidArgument },
        { "bad name", StatusCode.InvalidArgument },
        { "unknown version", StatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task ModelInfer_Refused_AnswersTheStatusOfTheErrorTable(string fault, StatusCode expected)
    {
        var request = ConvNetRequest(1);
        var (frames, offset, keep) = TensorTaskTests.ConvNetInputs(rows: 1, seed: 5);
        request.RawInputContents.Add(ByteString.CopyFrom(BinaryTensors.Bytes(frames)));
        request.RawInputContents.Add(ByteString.CopyFrom(BinaryTensors.Bytes(offset)));
        request.RawInputContents.Add(ByteString.CopyFrom(BinaryTensors.Bools(keep)));
        switch (fault)
        {
            case "unknown-model": request.ModelName = "no-such-model"; break;
            case "bad shape": request.Inputs[0].Shape[2] = 9; break;
            case "wrong raw count": request.RawInputContents.RemoveAt(2); break;
            case "bad name": request.ModelName = "../etc"; break;
            case "unknown version": request.ModelVersion = "7"; break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(async () => await _grpc.ModelInferAsync(request));

        Assert.Equal(expected, error.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Status.Detail));
    }

    [Fact]
    public async Task ModelReady_UnknownModel_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await _grpc.ModelReadyAsync(new ModelReadyRequest { Name = "nope" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task RestPort_PlainHttp11Client_IsUnaffectedByTheGrpcPort()
    {
        using var client = new HttpClient(new ProtocolCheckingHandler { InnerHandler = new SocketsHttpHandler() }) { DefaultRequestVersion = System.Net.HttpVersion.Version11 };

        using var response = await client.GetAsync(new Uri(server.Client.BaseAddress!, "/v2/health/live"));

        Assert.Equal(System.Net.HttpVersion.Version11, response.Version);
        Assert.True(response.IsSuccessStatusCode);
    }

    private static ModelInferRequest ConvNetRequest(int rows)
    {
        var request = new ModelInferRequest { ModelName = "convnet", Id = "grpc-1" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "frames", Datatype = "FP32", Shape = { rows, TensorModels.Channels, TensorModels.Side, TensorModels.Side } });
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "offset", Datatype = "INT32", Shape = { rows, TensorModels.Classes } });
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "keep", Datatype = "BOOL", Shape = { rows, TensorModels.Classes } });
        return request;
    }

    private static byte[] LengthPrefixed(byte[] bytes) => [.. BitConverter.GetBytes((uint)bytes.Length), .. bytes];

    private static int Size(string datatype) => datatype switch
    {
        "BOOL" or "UINT8" or "INT8" => 1,
        "UINT16" or "INT16" or "FP16" or "BF16" => 2,
        "UINT32" or "INT32" or "FP32" => 4,
        _ => 8,
    };

    private static Dictionary<string, double[]> Outputs(JsonElement body) =>
        body.GetProperty("outputs").EnumerateArray().ToDictionary(
            o => o.GetProperty("name").GetString()!,
            o => o.GetProperty("data").EnumerateArray().Select(d => (double)d.GetSingle()).ToArray());

    private static IEnumerable<string> Describe(JsonElement tensors) =>
        tensors.EnumerateArray().Select(t => $"{t.GetProperty("name").GetString()} {t.GetProperty("datatype").GetString()} [{string.Join(',', t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()))}]");
}
