using System.Net;
using InferenceApi.Tests.Endpoints;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.KServe;

/// <summary>Every bad KServe v2 request, each with its status and a <c>{"error": …}</c> body that says what to change.</summary>
public sealed class KServeV2ErrorsTests(ClassifierServer server) : IClassFixture<ClassifierServer>
{
    private const string Ids = """{"name":"input_ids","shape":[1,3],"datatype":"INT64","data":[2,5,3]}""";
    private readonly HttpClient _client = server.Client;

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests() => new()
    {
        { "/v2/models/no-such-model/infer", $$"""{"inputs":[{{Ids}}]}""", HttpStatusCode.NotFound, "no-such-model" },
        { "/v2/models/tiny-bert-cls/versions/7/infer", $$"""{"inputs":[{{Ids}}]}""", HttpStatusCode.NotFound, "no version 7" },
        { "/v2/models/-bad/infer", $$"""{"inputs":[{{Ids}}]}""", HttpStatusCode.BadRequest, "not a valid model name" },
        { "/v2/models/tiny-bert-cls/versions/abc/infer", $$"""{"inputs":[{{Ids}}]}""", HttpStatusCode.BadRequest, "positive integer" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"input_ids","shape":[1,3],"datatype":"FP32","data":[2,5,3]}]}""", HttpStatusCode.BadRequest, "must be INT64; it is FP32" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"input_ids","shape":[1,3],"datatype":"FOO","data":[2,5,3]}]}""", HttpStatusCode.BadRequest, "'FOO'" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"input_ids","shape":[1,4],"datatype":"INT64","data":[2,5,3]}]}""", HttpStatusCode.BadRequest, "holds 4 elements, but its data has 3" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"input_ids","shape":[3],"datatype":"INT64","data":[2,5,3]}]}""", HttpStatusCode.BadRequest, "rank 2" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"input_ids","shape":[1,3],"datatype":"INT64","data":[2,5.5,3]}]}""", HttpStatusCode.BadRequest, "element 1" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"input_ids","shape":[1,3],"datatype":"INT64","data":[2,"5",3]}]}""", HttpStatusCode.BadRequest, "integer" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"attention_mask","shape":[1,3],"datatype":"INT64","data":[1,1,1]}]}""", HttpStatusCode.BadRequest, "'input_ids' is missing" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[]}""", HttpStatusCode.BadRequest, "`inputs` is required" },
        { "/v2/models/tiny-bert-cls/infer", $$"""{"inputs":[{{Ids}},{"name":"pixel_values","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}""", HttpStatusCode.BadRequest, "'pixel_values' is not an input" },
        { "/v2/models/tiny-bert-cls/infer", $$"""{"inputs":[{{Ids}}],"outputs":[{"name":"probabilities"}]}""", HttpStatusCode.BadRequest, "'probabilities' is not an output" },
        { "/v2/models/tiny-bert-cls/infer", $$"""{"inputs":[{{Ids}},{"name":"attention_mask","shape":[2,3],"datatype":"INT64","data":[1,1,1,1,1,1]}]}""", HttpStatusCode.BadRequest, "different batch sizes" },
        { "/v2/models/tiny-bert-cls/infer", $$"""{"inputs":[{{Ids}},{"name":"attention_mask","shape":[1,2],"datatype":"INT64","data":[1,1]}]}""", HttpStatusCode.BadRequest, "must be equal" },
        { "/v2/models/tiny-bert-cls/infer", $$"""{"inputs":[{{Ids}},{"name":"token_type_ids","shape":[1,3],"datatype":"INT64","data":[0,1,0]}]}""", HttpStatusCode.BadRequest, "all zeros" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"input_ids","shape":[0,3],"datatype":"INT64","data":[]}]}""", HttpStatusCode.BadRequest, "empty batch" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"text","shape":[17],"datatype":"BYTES","data":["a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a"]}]}""", HttpStatusCode.BadRequest, "Api:MaxInputsPerRequest" },
        { "/v2/models/tiny-bert-cls/infer", $$"""{"inputs":[{{Ids}},{"name":"text","shape":[1],"datatype":"BYTES","data":["a"]}]}""", HttpStatusCode.BadRequest, "not both" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":[42]}]}""", HttpStatusCode.BadRequest, "must be a string" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["  "]}]}""", HttpStatusCode.BadRequest, "whitespace" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","parameters":{"truncate":"yes"},"data":["a"]}]}""", HttpStatusCode.BadRequest, "true or false" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"input_ids","shape":[1,3],"datatype":"INT64","data":[2,5,3]},""", HttpStatusCode.BadRequest, "not valid" },
        { "/v2/models/tiny-bert-cls/infer", """{"inputs":[{"name":"input_ids","shape":["1",3],"datatype":"INT64","data":[2,5,3]}]}""", HttpStatusCode.BadRequest, "shape" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Infer_BadRequest_AnswersKServeErrorWithStatus(string path, string json, HttpStatusCode status, string contains)
    {
        using var response = await _client.PostRawAsync(path, json);

        await response.AssertKServeErrorAsync(status, contains);
    }

    [Theory]
    [InlineData("/v2/models/no-such-model", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/tiny-bert-cls/versions/7", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/-bad", HttpStatusCode.BadRequest)]
    [InlineData("/v2/models/tiny-bert-cls/versions/x", HttpStatusCode.BadRequest)]
    [InlineData("/v2/no-such-thing", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/tiny-bert-cls/infer", HttpStatusCode.MethodNotAllowed)]
    public async Task Get_UnknownInvalidOrWrongMethod_AnswersKServeError(string path, HttpStatusCode status)
    {
        using var response = await _client.GetAsync(path);

        await response.AssertKServeErrorAsync(status);
    }

    [Fact]
    public async Task Infer_BodyOverTheLimit_Answers413InKServeShape()
    {
        var text = new string('a', 70_000);

        using var response = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", KServeAssertions.TextRequest([text]));

        await response.AssertKServeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "Api:MaxTensorRequestBytes");
    }

    [Fact]
    public async Task V1Routes_StillAnswerProblemDetails()
    {
        using var response = await _client.PostRawAsync("/v1/classify", """{"model":"tiny-bert-cls","inputs":"a",""");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }
}
