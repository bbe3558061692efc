using System.Net;
using InferenceApi.Core.Imaging;
using InferenceApi.Tests.Endpoints;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.KServe;

/// <summary>The Open Inference Protocol against the independent ViT fixture: files or tensors in, logits that match PyTorch and /v1/images/classify.</summary>
public sealed class KServeV2ImageTests(ImageServer server) : IClassFixture<ImageServer>
{
    private const double Tolerance = 1e-4;
    private static readonly string[] Labels = ["cat", "dog", "car", "tree"];
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task ModelMetadata_ListsPixelValuesImageAndLogits()
    {
        var metadata = await (await _client.GetAsync("/v2/models/tiny-vit")).ReadJsonAsync();

        var inputs = metadata.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.Equal("FP32", inputs["pixel_values"].GetProperty("datatype").GetString());
        Assert.Equal(new long[] { -1, 3, 32, 32 }, inputs["pixel_values"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray());
        Assert.Equal("BYTES", inputs["image"].GetProperty("datatype").GetString());
        var output = metadata.GetProperty("outputs")[0];
        Assert.Equal("logits", output.GetProperty("name").GetString());
        Assert.Equal(new long[] { -1, 4 }, output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray());
    }

    [Fact]
    public async Task Infer_ImageFiles_LogitsMatchPyTorchAndTheTaskEndpoint()
    {
        var files = Fixtures.ImageCases.Select(c => Convert.ToBase64String(File.ReadAllBytes(c.Path))).ToArray();

        using var response = await _client.PostJsonAsync("/v2/models/tiny-vit/infer", new
        {
            id = "vit-1",
            inputs = new[] { new { name = "image", datatype = "BYTES", shape = new[] { files.Length }, data = files } },
        });
        using var task = await _client.PostJsonAsync("/v1/images/classify", new { model = "tiny-vit", images = files });

        var body = await response.ReadJsonAsync();
        Assert.Equal("vit-1", body.GetProperty("id").GetString());
        var rows = KServeAssertions.Rows(body, "logits");
        var taskResults = (await task.ReadJsonAsync()).GetProperty("results");
        for (var i = 0; i < rows.Length; i++)
        {
            var scores = KServeAssertions.Softmax(rows[i]);
            var served = taskResults[i].GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("label").GetString()!, l => l.GetProperty("score").GetDouble());
            for (var l = 0; l < Labels.Length; l++)
            {
                Assert.True(Math.Abs(scores[l] - Fixtures.ImageCases[i].Scores[Labels[l]]) <= Tolerance, $"image {i} {Labels[l]}: {scores[l]} vs PyTorch");
                Assert.True(Math.Abs(scores[l] - served[Labels[l]]) <= Tolerance, $"image {i} {Labels[l]}: {scores[l]} vs /v1/images/classify");
            }
        }
    }

    [Fact]
    public async Task Infer_PixelValuesTensor_LogitsMatchPyTorch()
    {
        var preprocessor = new ImagePreprocessor(PreprocessorConfig.Load(Path.Combine(Fixtures.TinyVit, "preprocessor_config.json")));
        var tensor = new float[Fixtures.ImageCases.Count * preprocessor.OutputLength];
        for (var i = 0; i < Fixtures.ImageCases.Count; i++)
        {
            var decoded = ImageDecoder.Decode(File.ReadAllBytes(Fixtures.ImageCases[i].Path), ImageLimits.Default);
            using var image = decoded.Value!;
            preprocessor.Process(image, tensor.AsSpan(i * preprocessor.OutputLength, preprocessor.OutputLength));
        }

        using var response = await _client.PostJsonAsync("/v2/models/tiny-vit/versions/1/infer", new
        {
            inputs = new[] { new { name = "pixel_values", datatype = "FP32", shape = new[] { Fixtures.ImageCases.Count, 3, 32, 32 }, data = tensor } },
        });

        var rows = KServeAssertions.Rows(await response.ReadJsonAsync(), "logits");
        for (var i = 0; i < rows.Length; i++)
        {
            var scores = KServeAssertions.Softmax(rows[i]);
            for (var l = 0; l < Labels.Length; l++)
            {
                Assert.True(Math.Abs(scores[l] - Fixtures.ImageCases[i].Scores[Labels[l]]) <= Tolerance, $"image {i} {Labels[l]}: {scores[l]} vs PyTorch");
            }
        }
    }

    public static TheoryData<string, HttpStatusCode, string> BadRequests() => new()
    {
        { """{"inputs":[{"name":"pixel_values","datatype":"FP32","shape":[1,3,16,16],"data":[]}]}""", HttpStatusCode.BadRequest, "shape" },
        { """{"inputs":[{"name":"pixel_values","datatype":"INT64","shape":[1,1],"data":[1]}]}""", HttpStatusCode.BadRequest, "FP32" },
        { """{"inputs":[{"name":"image","datatype":"BYTES","shape":[1],"data":["not base64!"]}]}""", HttpStatusCode.BadRequest, "base64" },
        { """{"inputs":[{"name":"image","datatype":"BYTES","shape":[1],"data":["aGVsbG8gd29ybGQ="]}]}""", HttpStatusCode.UnsupportedMediaType, "PNG" },
        { """{"inputs":[{"name":"input_ids","datatype":"INT64","shape":[1,1],"data":[1]}]}""", HttpStatusCode.BadRequest, "pixel_values" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Infer_BadImageRequest_AnswersKServeError(string json, HttpStatusCode status, string contains)
    {
        using var response = await _client.PostRawAsync("/v2/models/tiny-vit/infer", json);

        await response.AssertKServeErrorAsync(status, contains);
    }

    [Fact]
    public async Task Infer_CorruptImageFile_Answers422()
    {
        var bytes = File.ReadAllBytes(Fixtures.ImageCases[0].Path);
        var corrupt = Convert.ToBase64String(bytes[..(bytes.Length / 2)]);

        using var response = await _client.PostJsonAsync("/v2/models/tiny-vit/infer", new
        {
            inputs = new[] { new { name = "image", datatype = "BYTES", shape = new[] { 1 }, data = new[] { corrupt } } },
        });

        await response.AssertKServeErrorAsync(HttpStatusCode.UnprocessableEntity);
    }
}
