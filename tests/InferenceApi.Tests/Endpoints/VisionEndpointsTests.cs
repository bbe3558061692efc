using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using InferenceApi.Tests.Infrastructure;
using SkiaSharp;

namespace InferenceApi.Tests.Endpoints;

public sealed class VisionEndpointsTests(ImageServer server) : IClassFixture<ImageServer>
{
    private const double Tolerance = 1e-4;
    private readonly HttpClient _client = server.Client;

    public static TheoryData<int> CaseIndexes() => new(Enumerable.Range(0, Fixtures.ImageCases.Count));

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public async Task ClassifyImage_MultipartFixture_MatchesPyTorchScores(int index)
    {
        var expected = Fixtures.ImageCases[index];

        using var response = await _client.PostAsync("/v1/images/classify", Multipart("tiny-vit", expected.Path));

        var body = await response.ReadJsonAsync();
        AssertScores(expected, body.GetProperty("results")[0]);
    }

    [Fact]
    public async Task ClassifyImages_Base64Batch_EachMatchesPyTorchScores()
    {
        var images = Fixtures.ImageCases.Select(c => Convert.ToBase64String(File.ReadAllBytes(c.Path))).ToArray();
        images[1] = "data:image/png;base64," + images[1];

        using var response = await _client.PostJsonAsync("/v1/images/classify", new { model = "tiny-vit", images });

        var results = (await response.ReadJsonAsync()).GetProperty("results");
        for (var i = 0; i < images.Length; i++)
        {
            AssertScores(Fixtures.ImageCases[i], results[i]);
        }
    }

    [Fact]
    public async Task ClassifyImages_ConcurrentRequests_AllMatchPyTorchScores()
    {
        var requests = Enumerable.Range(0, 24).Select(async i =>
        {
            var expected = Fixtures.ImageCases[i % Fixtures.ImageCases.Count];
            using var response = await _client.PostAsync("/v1/images/classify", Multipart("tiny-vit", expected.Path));
            AssertScores(expected, (await response.ReadJsonAsync()).GetProperty("results")[0]);
        });

        await Task.WhenAll(requests);
    }

    [Fact]
    public async Task ClassifyImage_TopK_ReturnsTheBestLabels()
    {
        var expected = Fixtures.ImageCases[1];

        using var response = await _client.PostAsync("/v1/images/classify", Multipart("tiny-vit", expected.Path, ("top_k", "2")));

        var labels = (await response.ReadJsonAsync()).GetProperty("results")[0].GetProperty("labels");
        Assert.Equal(expected.Scores.OrderByDescending(s => s.Value).Take(2).Select(s => s.Key).ToArray(), labels.EnumerateArray().Select(l => l.GetProperty("label").GetString()!).ToArray());
    }

    [Fact]
    public async Task ModelsList_ShowsTheVitAsImageClassificationWithItsLabels()
    {
        var model = await (await _client.GetAsync("/v1/models/tiny-vit")).ReadJsonAsync();

        Assert.Equal("image-classification", model.GetProperty("task").GetString());
        Assert.Equal(new[] { "cat", "dog", "car", "tree" }, model.GetProperty("versions")[0].GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToArray());
    }

    [Fact]
    public async Task ModelWithPreprocessingTheGraphCannotTake_IsRefusedWithTheSizes()
    {
        var model = await (await _client.GetAsync("/v1/models/vit-wrong-size")).ReadJsonAsync();

        Assert.Equal("failed", model.GetProperty("versions")[0].GetProperty("status").GetString());
        Assert.Contains("produces 64×64 images", model.GetProperty("versions")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ModelWithOtherNormalisation_UsesItsOwnMeanAndStd()
    {
        var expected = Fixtures.ImageCases[0];

        using var fixture = await _client.PostAsync("/v1/images/classify", Multipart("tiny-vit", expected.Path));
        using var other = await _client.PostAsync("/v1/images/classify", Multipart("vit-imagenet-norm", expected.Path));

        var fixtureScores = (await fixture.ReadJsonAsync()).GetProperty("results")[0].GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("label").GetString()!, l => l.GetProperty("score").GetDouble());
        var otherScores = (await other.ReadJsonAsync()).GetProperty("results")[0].GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("label").GetString()!, l => l.GetProperty("score").GetDouble());
        Assert.Equal(1.0, otherScores.Values.Sum(), 4);
        Assert.Contains(otherScores, s => Math.Abs(s.Value - fixtureScores[s.Key]) > 1e-3);
    }

    [Theory]
    [InlineData("""{"model":"tiny-vit","images":["not base64!"]}""", HttpStatusCode.BadRequest, "validation", "images[0]")]
    [InlineData("""{"model":"tiny-vit","images":["aGVsbG8gd29ybGQ="]}""", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "images[0]")]
    [InlineData("""{"model":"tiny-vit","images":[]}""", HttpStatusCode.BadRequest, "validation", "images")]
    [InlineData("""{"model":"tiny-vit"}""", HttpStatusCode.BadRequest, "validation", "images")]
    [InlineData("""{"model":"tiny-vit","images":"x"}""", HttpStatusCode.BadRequest, "validation", "images")]
    [InlineData("""{"model":"tiny-bert-cls","images":["aGVsbG8="]}""", HttpStatusCode.BadRequest, "validation", "model")]
    [InlineData("""{"model":"nope","images":["aGVsbG8="]}""", HttpStatusCode.NotFound, "not_found", "model")]
    [InlineData("""{"model":"tiny-vit","images":["aGVsbG8="],"top_k":5}""", HttpStatusCode.BadRequest, "validation", "top_k")]
    public async Task ClassifyImages_BadJson_AnswersProblemDetails(string json, HttpStatusCode status, string errorType, string? field)
    {
        using var response = await _client.PostRawAsync("/v1/images/classify", json);

        await response.AssertProblemAsync(status, errorType, field);
    }

    [Fact]
    public async Task ClassifyImages_TooManyImages_Answers400WithTheLimit()
    {
        var image = Convert.ToBase64String(File.ReadAllBytes(Fixtures.ImageCases[0].Path));

        using var response = await _client.PostJsonAsync("/v1/images/classify", new { model = "tiny-vit", images = Enumerable.Repeat(image, 5).ToArray() });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "images");
        Assert.Equal(4, problem.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task ClassifyImages_PixelsOverThePerRequestBudget_Answers413_AndUnderItAreServed()
    {
        // 800,000 pixels each (under the 1,000,000 per image): two fit the 2,000,000 budget of a request, three do not.
        using var bitmap = new SKBitmap(1000, 800);
        bitmap.Erase(SKColors.SeaGreen);
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var image = Convert.ToBase64String(encoded.ToArray());

        using var refused = await _client.PostJsonAsync("/v1/images/classify", new { model = "tiny-vit", images = new[] { image, image, image } });
        using var served = await _client.PostJsonAsync("/v1/images/classify", new { model = "tiny-vit", images = new[] { image, image } });

        var problem = await refused.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "images");
        Assert.Equal(2_000_000, problem.GetProperty("limit").GetInt64());
        Assert.Equal(2_400_000, problem.GetProperty("received").GetInt64());
        Assert.Equal(2, (await served.ReadJsonAsync()).GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task ClassifyImage_CorruptPng_Answers422()
    {
        var bytes = File.ReadAllBytes(Fixtures.ImageCases[0].Path);

        using var response = await _client.PostAsync("/v1/images/classify", Multipart("tiny-vit", bytes[..(bytes.Length / 2)], "broken.png"));

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "unprocessable");
    }

    [Fact]
    public async Task ClassifyImage_FileOverTheByteLimit_Answers413()
    {
        using var response = await _client.PostAsync("/v1/images/classify", Multipart("tiny-vit", new byte[200_001], "big.png"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(200_000, problem.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task ClassifyImage_BodyOverTheImageRequestLimit_Answers413()
    {
        using var response = await _client.PostAsync("/v1/images/classify", Multipart("tiny-vit", new byte[1_000_001], "huge.png"));

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task ClassifyImage_PlainText_Answers415()
    {
        using var response = await _client.PostAsync("/v1/images/classify", new StringContent("hello", System.Text.Encoding.UTF8, "text/plain"));

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task ClassifyImage_MultipartTopKNotANumber_Answers400()
    {
        using var response = await _client.PostAsync("/v1/images/classify", Multipart("tiny-vit", Fixtures.ImageCases[0].Path, ("top_k", "two")));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "top_k");
    }

    private static MultipartFormDataContent Multipart(string model, string path, params (string Name, string Value)[] fields) =>
        Multipart(model, File.ReadAllBytes(path), Path.GetFileName(path), fields);

    private static MultipartFormDataContent Multipart(string model, byte[] bytes, string fileName, params (string Name, string Value)[] fields)
    {
        var content = new MultipartFormDataContent { { new StringContent(model), "model" } };
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        content.Add(file, "images", fileName);
        return content;
    }

    private static void AssertScores(ImageCase expected, JsonElement result)
    {
        var served = result.GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("label").GetString()!, l => l.GetProperty("score").GetDouble());
        foreach (var (label, score) in expected.Scores)
        {
            Assert.True(Math.Abs(served[label] - score) <= Tolerance, $"{Path.GetFileName(expected.Path)}: {label} served {served[label]}, PyTorch {score}");
        }
    }
}
