using System.Net;
using System.Text;
using InferenceApi.Tests.Endpoints;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Validation;

/// <summary>Malformed multipart uploads on <c>/v1/images/classify</c>: each is a 4xx naming what is wrong, never a 500.</summary>
public sealed class MultipartImageReaderTests(ImageServer server) : IClassFixture<ImageServer>
{
    private const string Boundary = "XyZ-boundary-42";
    private static readonly byte[] Png = File.ReadAllBytes(Fixtures.ImageCases[0].Path);
    private readonly HttpClient _client = server.Client;

    public static TheoryData<string> Malformed() => new()
    {
        "truncated mid-file",
        "no closing boundary",
        "wrong boundary",
        "part without Content-Disposition",
        "part header over 16 KB",
        "header line without a colon",
    };

    [Fact]
    public async Task Classify_WellFormedRawBody_Answers200()
    {
        using var response = await PostAsync(Valid(Boundary));

        await response.ReadJsonAsync();
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Classify_MalformedBody_Answers400NamingTheBody(string variant)
    {
        var valid = Valid(Boundary);
        var body = variant switch
        {
            "truncated mid-file" => valid[..(IndexOf(valid, Png) + (Png.Length / 2))],
            "no closing boundary" => valid[..IndexOf(valid, Ascii($"--{Boundary}--"))],
            "wrong boundary" => Valid("another-boundary"),
            "part without Content-Disposition" => [.. Ascii($"--{Boundary}\r\nContent-Type: image/png\r\n\r\n"), .. Png, .. Ascii("\r\n"), .. valid],
            "part header over 16 KB" => Valid(Boundary, extraHeader: $"X-Padding: {new string('a', 17_000)}\r\n"),
            _ => Valid(Boundary, extraHeader: "no colon here\r\n"),
        };

        using var response = await PostAsync(body);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "body");
    }

    [Theory]
    [InlineData(71)]
    [InlineData(200)]
    public async Task Classify_BoundaryOverRfcLimit_Answers400WithLimit(int length)
    {
        var boundary = new string('b', length);

        using var response = await PostAsync(Valid(boundary), $"multipart/form-data; boundary={boundary}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "Content-Type");
        Assert.Equal(70, problem.GetProperty("limit").GetInt32());
        Assert.Equal(length, problem.GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task Classify_BoundaryOfSeventyCharacters_IsAccepted()
    {
        var boundary = new string('b', 70);

        using var response = await PostAsync(Valid(boundary), $"multipart/form-data; boundary={boundary}");

        await response.ReadJsonAsync();
    }

    [Fact]
    public async Task Classify_MultipartWithoutBoundary_Answers400()
    {
        using var response = await PostAsync(Valid(Boundary), "multipart/form-data");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "Content-Type");
    }

    [Fact]
    public async Task Classify_TwoThousandFormFields_Answers400AtTheFirstStrayOne()
    {
        var fields = Enumerable.Range(0, 2000).SelectMany(i => Part($"f{i}", Ascii("x")));

        using var response = await PostAsync([.. fields, .. Valid(Boundary)]);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "f0");
        Assert.Contains("not a field", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Classify_FieldGivenTwice_Answers400()
    {
        using var response = await PostAsync([.. Part("model", Ascii("tiny-vit")), .. Valid(Boundary)]);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "model");
    }

    [Fact]
    public async Task Classify_FieldOverItsLimit_Answers400WithLimit()
    {
        using var response = await PostAsync([.. Part("top_k", Ascii(new string('1', 1025))), .. Valid(Boundary)]);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "top_k");
        Assert.Equal(1024, problem.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task Classify_MoreFilesThanAllowed_Answers400WithoutReadingTheRest()
    {
        // The server allows 4.
        var files = Enumerable.Range(0, 5).SelectMany(i => Part("images", Png, $"{i}.png"));

        using var response = await PostAsync([.. Part("model", Ascii("tiny-vit")), .. files, .. Ascii($"--{Boundary}--\r\n")]);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "images");
        Assert.Equal(4, problem.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task Classify_UrlEncodedForm_Answers415()
    {
        using var response = await PostAsync(Ascii("model=tiny-vit"), "application/x-www-form-urlencoded");

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string? contentType = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType ?? $"multipart/form-data; boundary={Boundary}");
        return await _client.PostAsync("/v1/images/classify", content);
    }

    private static byte[] Valid(string boundary, string extraHeader = "") =>
        [.. Part("model", Ascii("tiny-vit"), boundary: boundary), .. Part("images", Png, "a.png", extraHeader, boundary), .. Ascii($"--{boundary}--\r\n")];

    private static byte[] Part(string name, byte[] body, string? fileName = null, string extraHeader = "", string boundary = Boundary) =>
    [
        .. Ascii($"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{(fileName is null ? "" : $"; filename=\"{fileName}\"")}\r\n{extraHeader}\r\n"),
        .. body,
        .. Ascii("\r\n"),
    ];

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
