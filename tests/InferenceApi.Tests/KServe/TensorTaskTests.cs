using System.Net;
using System.Text.Json;
using InferenceApi.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Tests.KServe;

/// <summary>The tensor task over KServe v2 REST: any graph, its own tensors, checked against the graph, run as ONNX Runtime runs it.</summary>
[Collection(TensorServerCollection.Name)]
public sealed class TensorTaskTests(TensorServer server)
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Metadata_BareGraph_ListsItsOwnTensorsWithDynamicBatch()
    {
        var metadata = await (await _client.GetAsync("/v2/models/convnet")).ReadJsonAsync();

        Assert.Equal("convnet", metadata.GetProperty("name").GetString());
        Assert.Equal(["1"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(
            ["frames FP32 [-1,3,8,8]", "offset INT32 [-1,4]", "keep BOOL [-1,4]"],
            metadata.GetProperty("inputs").EnumerateArray().Select(Describe));
        Assert.Equal(["scores FP32 [-1,4]", "label INT64 [-1]"], metadata.GetProperty("outputs").EnumerateArray().Select(Describe));
        var model = await (await _client.GetAsync("/v1/models/convnet")).ReadJsonAsync();
        Assert.Equal("tensor", model.GetProperty("task").GetString());
    }

    [Fact]
    public async Task Infer_ConvNet_MatchesOnnxRuntimeRunDirectly()
    {
        var (frames, offset, keep) = ConvNetInputs(rows: 3, seed: 1);

        var body = await (await _client.PostJsonAsync("/v2/models/convnet/infer", ConvNetRequest(frames, offset, keep, 3, id: "t-1"))).ReadJsonAsync();

        Assert.Equal("t-1", body.GetProperty("id").GetString());
        Assert.Equal("convnet", body.GetProperty("model_name").GetString());
        var (scores, labels) = Reference(server.Factory.Models.Path, frames, offset, keep, 3);
        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal("FP32", outputs["scores"].GetProperty("datatype").GetString());
        Assert.Equal([3L, 4L], outputs["scores"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(scores, outputs["scores"].GetProperty("data").EnumerateArray().Select(d => d.GetSingle()));
        Assert.Equal("INT64", outputs["label"].GetProperty("datatype").GetString());
        Assert.Equal(labels, outputs["label"].GetProperty("data").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task Infer_OneOutputRequested_AnswersOnlyThatOutput()
    {
        var (frames, offset, keep) = ConvNetInputs(rows: 1, seed: 2);

        var body = await (await _client.PostJsonAsync("/v2/models/convnet/infer", ConvNetRequest(frames, offset, keep, 1, outputs: ["label"]))).ReadJsonAsync();

        Assert.Equal(["label"], body.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Infer_EveryDatatype_RoundTripsThroughTheGraph()
    {
        var inputs = TensorModels.Datatypes.Select(d => new { name = $"in_{d.Datatype}", datatype = d.Datatype, shape = new[] { 2, 3 }, data = SampleData(d.Datatype) }).ToArray();

        var body = await (await _client.PostJsonAsync("/v2/models/identity/infer", new { inputs })).ReadJsonAsync();

        var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        foreach (var (datatype, _) in TensorModels.Datatypes)
        {
            var output = outputs[$"out_{datatype}"];
            Assert.Equal(datatype, output.GetProperty("datatype").GetString());
            Assert.Equal([2L, 3L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            Assert.Equal(Elements(JsonSerializer.SerializeToElement(SampleData(datatype))), Elements(output.GetProperty("data")));
        }
    }

    public static TheoryData<string, string> BadRequests() => new()
    {
        { """{"inputs":[{"name":"pixels","datatype":"FP32","shape":[1,3,8,8],"data":[]}]}""", "'pixels' is not an input of model 'convnet'" },
        { Convnet(frames: """{"name":"frames","datatype":"FP64","shape":[1,3,8,8],"data":[]}"""), "Input 'frames' must be FP32; it is FP64" },
        { Convnet(frames: $$"""{"name":"frames","datatype":"FP32","shape":[1,3,4,4],"data":[{{Zeros(48)}}]}"""), "Input 'frames' must have shape [-1, 3, 8, 8]" },
        { Convnet(frames: $$"""{"name":"frames","datatype":"FP32","shape":[1,192],"data":[{{Zeros(192)}}]}"""), "Input 'frames' must have shape [-1, 3, 8, 8]" },
        { Convnet(frames: """{"name":"frames","datatype":"FP32","shape":[1,3,8,8],"data":[1,2,3]}"""), "which holds 192 elements, but its data has 3" },
        { Convnet(offset: """{"name":"offset","datatype":"INT32","shape":[2,4],"data":[0,0,0,0,0,0,0,0]}"""), "have different batch sizes: 1 and 2" },
        { Convnet(offset: """{"name":"offset","datatype":"INT32","shape":[1,4],"data":[0,0,0,3000000000]}"""), "element 3 (row-major) is 3000000000" },
        { Convnet(keep: """{"name":"keep","datatype":"BOOL","shape":[1,4],"data":[1,0,1,0]}"""), "every element must be true or false" },
        { """{"inputs":[{"name":"offset","datatype":"INT32","shape":[1,4],"data":[0,0,0,0]}]}""", "Input 'frames' is missing" },
        { Convnet(frames: """{"name":"frames","datatype":"FP32","shape":[0,3,8,8],"data":[]}""", offset: """{"name":"offset","datatype":"INT32","shape":[0,4],"data":[]}""", keep: """{"name":"keep","datatype":"BOOL","shape":[0,4],"data":[]}"""), "has no elements" },
        { Convnet(frames: """{"name":"frames","datatype":"FP32","shape":[1,3,8,8],"data":[]}""") .Replace("\"inputs\"", "\"outputs\":[{\"name\":\"logits\"}],\"inputs\"", StringComparison.Ordinal), "'logits' is not an output of model 'convnet'" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Infer_RequestThatDoesNotFitTheGraph_Answers400NamingTheTensor(string json, string message)
    {
        // Requests whose frames are left empty get their 192 elements here, so only the fault under test remains.
        json = json.Replace("\"shape\":[1,3,8,8],\"data\":[]", $"\"shape\":[1,3,8,8],\"data\":[{Zeros(192)}]", StringComparison.Ordinal);

        using var response = await _client.PostRawAsync("/v2/models/convnet/infer", json);

        await response.AssertKServeErrorAsync(HttpStatusCode.BadRequest, message);
    }

    [Fact]
    public async Task Infer_MoreRowsThanAllowed_Answers400WithTheLimit()
    {
        const int rows = 129;
        var (frames, offset, keep) = ConvNetInputs(rows, seed: 3);

        using var response = await _client.PostJsonAsync("/v2/models/convnet/infer", ConvNetRequest(frames, offset, keep, rows));

        await response.AssertKServeErrorAsync(HttpStatusCode.BadRequest, "at most 128 rows are allowed per request (Api:MaxInputsPerRequest)");
    }

    internal static (float[] Frames, int[] Offset, bool[] Keep) ConvNetInputs(int rows, int seed)
    {
        var random = new Random(seed);
        var frames = Enumerable.Range(0, rows * TensorModels.Channels * TensorModels.Side * TensorModels.Side).Select(_ => (float)random.NextDouble()).ToArray();
        var offset = Enumerable.Range(0, rows * TensorModels.Classes).Select(_ => random.Next(-2, 3)).ToArray();
        var keep = Enumerable.Range(0, rows * TensorModels.Classes).Select(_ => random.Next(4) > 0).ToArray();
        return (frames, offset, keep);
    }

    internal static object ConvNetRequest(float[] frames, int[] offset, bool[] keep, int rows, string? id = null, string[]? outputs = null) => new
    {
        id,
        inputs = new object[]
        {
            new { name = "frames", datatype = "FP32", shape = new[] { rows, TensorModels.Channels, TensorModels.Side, TensorModels.Side }, data = frames },
            new { name = "offset", datatype = "INT32", shape = new[] { rows, TensorModels.Classes }, data = offset },
            new { name = "keep", datatype = "BOOL", shape = new[] { rows, TensorModels.Classes }, data = keep },
        },
        outputs = outputs?.Select(o => new { name = o }).ToArray(),
    };

    /// <summary>The conv net run by ONNX Runtime itself, on the same folder's graph.</summary>
    internal static (float[] Scores, long[] Labels) Reference(string models, float[] frames, int[] offset, bool[] keep, int rows)
    {
        using var session = new InferenceSession(Path.Combine(models, "convnet", "model.onnx"));
        using var framesValue = OrtValue.CreateTensorValueFromMemory(frames, [rows, TensorModels.Channels, TensorModels.Side, TensorModels.Side]);
        using var offsetValue = OrtValue.CreateTensorValueFromMemory(offset, [rows, TensorModels.Classes]);
        using var keepValue = OrtValue.CreateTensorValueFromMemory(keep, [rows, TensorModels.Classes]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["frames", "offset", "keep"], [framesValue, offsetValue, keepValue], ["scores", "label"]);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<long>().ToArray());
    }

    /// <summary>Two rows of three values each datatype holds exactly in JSON, extremes included.</summary>
    internal static object SampleData(string datatype) => datatype switch
    {
        "BOOL" => new[] { true, false, true, false, false, true },
        "UINT8" => new long[] { 0, 1, 255, 7, 128, 254 },
        "UINT16" => new long[] { 0, 1, 65535, 7, 32768, 1000 },
        "UINT32" => new long[] { 0, 1, 4294967295, 7, 2147483648, 1000 },
        "UINT64" => new ulong[] { 0, 1, 18446744073709551615, 7, 9223372036854775808, 1000 },
        "INT8" => new long[] { -128, -1, 0, 1, 127, 5 },
        "INT16" => new long[] { -32768, -1, 0, 1, 32767, 5 },
        "INT32" => new long[] { -2147483648, -1, 0, 1, 2147483647, 5 },
        "INT64" => new long[] { long.MinValue, -1, 0, 1, long.MaxValue, 5 },
        "FP16" => new[] { -65504f, -1.5f, 0f, 0.25f, 65504f, 3.140625f },
        "FP32" => new[] { -3.4028235E+38f, -1.5f, 0f, 1E-45f, 3.4028235E+38f, 0.1f },
        "FP64" => new[] { -1.7976931348623157E+308, -1.5, 0, 5E-324, 1.7976931348623157E+308, 0.1 },
        "BF16" => new[] { -3.3895314E+38f, -1.5f, 0f, 0.25f, 3.3895314E+38f, 3.140625f },
        _ => new[] { "a", "", "ünïcødé", "tab\tnewline\n", "\"quoted\"", "🙂" },
    };

    private static string Convnet(string? frames = null, string? offset = null, string? keep = null) =>
        $$"""{"inputs":[{{frames ?? """{"name":"frames","datatype":"FP32","shape":[1,3,8,8],"data":[]}"""}},{{offset ?? """{"name":"offset","datatype":"INT32","shape":[1,4],"data":[0,0,0,0]}"""}},{{keep ?? """{"name":"keep","datatype":"BOOL","shape":[1,4],"data":[true,true,true,true]}"""}}]}""";

    private static string Zeros(int count) => string.Join(',', Enumerable.Repeat(0, count));

    private static string[] Elements(JsonElement array) => [.. array.EnumerateArray().Select(e => e.ToString())];

    private static string Describe(JsonElement tensor) =>
        $"{tensor.GetProperty("name").GetString()} {tensor.GetProperty("datatype").GetString()} [{string.Join(',', tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()))}]";
}
