using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.KServe;

/// <summary>The binary tensor extension over REST: raw little-endian tensors after the JSON header, both ways, equal to JSON.</summary>
[Collection(TensorServerCollection.Name)]
public sealed class BinaryTensorTests(TensorServer server)
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Infer_BinaryInputsAndOutputs_EqualTheJsonAnswer()
    {
        var (frames, offset, keep) = TensorTaskTests.ConvNetInputs(rows: 2, seed: 11);
        var header = JsonSerializer.SerializeToNode(TensorTaskTests.ConvNetRequest(frames, offset, keep, 2, id: "bin"), InferenceApiFactory.Json)!.AsObject();
        header["outputs"] = new JsonArray(new JsonObject { ["name"] = "scores", ["parameters"] = new JsonObject { ["binary_data"] = true } }, new JsonObject { ["name"] = "label" });

        using var binary = await _client.PostAsync(
            "/v2/models/convnet/infer",
            BinaryTensors.Request(header, new Dictionary<string, byte[]> { ["frames"] = BinaryTensors.Bytes(frames), ["offset"] = BinaryTensors.Bytes(offset), ["keep"] = BinaryTensors.Bools(keep) }));
        using var json = await _client.PostJsonAsync("/v2/models/convnet/infer", TensorTaskTests.ConvNetRequest(frames, offset, keep, 2));

        var (answer, outputs) = await BinaryTensors.ReadAsync(binary);
        Assert.Equal("application/octet-stream", binary.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bin", answer.GetProperty("id").GetString());
        var expected = (await json.ReadJsonAsync()).GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        var scores = MemoryMarshal.Cast<byte, float>(outputs["scores"]).ToArray();
        Assert.Equal(expected["scores"].GetProperty("data").EnumerateArray().Select(d => d.GetSingle()), scores);
        var label = answer.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "label");
        Assert.False(label.TryGetProperty("parameters", out _));
        Assert.Equal(expected["label"].GetProperty("data").GetRawText(), label.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Infer_EveryDatatypeAsBinary_RoundTripsByteForByte()
    {
        var json = TensorModels.Datatypes.Select(d => new { name = $"in_{d.Datatype}", datatype = d.Datatype, shape = new[] { 2, 3 }, data = TensorTaskTests.SampleData(d.Datatype) }).ToArray();
        using var reference = await _client.PostJsonAsync("/v2/models/identity/infer", new { inputs = json, parameters = new { binary_data_output = true } });
        var (_, expected) = await BinaryTensors.ReadAsync(reference);

        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(TensorModels.Datatypes.Select(d => (JsonNode)new JsonObject { ["name"] = $"in_{d.Datatype}", ["datatype"] = d.Datatype, ["shape"] = new JsonArray(2, 3) }).ToArray()),
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
        };
        var binary = TensorModels.Datatypes.ToDictionary(d => $"in_{d.Datatype}", d => expected[$"out_{d.Datatype}"]);
        using var response = await _client.PostAsync("/v2/models/identity/infer", BinaryTensors.Request(header, binary));

        var (_, outputs) = await BinaryTensors.ReadAsync(response);
        Assert.Equal(BinaryTensors.Strings((string[])TensorTaskTests.SampleData("BYTES")), expected["out_BYTES"]);
        Assert.Equal(BinaryTensors.Bytes(new short[] { -128, -1, 0, 1, 127, 5 }.Select(v => (sbyte)v).ToArray()), expected["out_INT8"]);
        foreach (var (datatype, _) in TensorModels.Datatypes)
        {
            Assert.Equal(expected[$"out_{datatype}"], outputs[$"out_{datatype}"]);
        }
    }

    public static TheoryData<string, byte[], string> BadBodies() => new()
    {
        { "9999", [.. Encoding.UTF8.GetBytes("{}")], "says the JSON header has 9999 bytes but the body has 2" },
        { "0", [1, 2, 3, 4], "is not supported; send the JSON header" },
        { "abc", [.. Encoding.UTF8.GetBytes("{}")], "must be the JSON header's length in bytes" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Infer_BadHeaderLength_Answers400(string headerLength, byte[] body, string message)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.Add(BinaryTensors.HeaderLength, headerLength);

        using var response = await _client.PostAsync("/v2/models/convnet/infer", content);

        await response.AssertKServeErrorAsync(HttpStatusCode.BadRequest, message);
    }

    [Fact]
    public async Task Infer_BinarySizesThatDoNotAddUp_Answer400NamingTheInput()
    {
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(
                new JsonObject { ["name"] = "in_FP32", ["datatype"] = "FP32", ["shape"] = new JsonArray(1, 3) },
                new JsonObject { ["name"] = "in_BYTES", ["datatype"] = "BYTES", ["shape"] = new JsonArray(1, 3) }),
        };
        var tooShort = new Dictionary<string, byte[]> { ["in_FP32"] = new byte[8], ["in_BYTES"] = BinaryTensors.Strings(["a", "b", "c"]) };
        var brokenLength = new Dictionary<string, byte[]> { ["in_FP32"] = new byte[12], ["in_BYTES"] = [.. BinaryTensors.Strings(["a", "b"]), 9, 0, 0, 0, 1] };

        using var first = await _client.PostAsync("/v2/models/identity/infer", BinaryTensors.Request(header.DeepClone().AsObject(), tooShort));
        using var second = await _client.PostAsync("/v2/models/identity/infer", BinaryTensors.Request(header.DeepClone().AsObject(), brokenLength));

        await first.AssertKServeErrorAsync(HttpStatusCode.BadRequest, "Input 'in_FP32' is FP32 of shape [1, 3], which takes 12 bytes, but it has 8");
        await second.AssertKServeErrorAsync(HttpStatusCode.BadRequest, "Input 'in_BYTES' (BYTES): element 2 says 9 bytes but only 1 remain");
    }
}
