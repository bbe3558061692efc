using System.Text.Json;

namespace InferenceApi.Tests.KServe;

/// <summary>The vendored protocol documents as read by <see cref="ProtocolSchemas"/>: our routes find their operations, and the schemas refuse what the protocol refuses.</summary>
public sealed class ProtocolSchemasTests
{
    private static readonly ProtocolSchemas Schemas = ProtocolSchemas.Instance;

    [Theory]
    [InlineData("POST", "/v2/models/convnet/infer", "/v2/models/${MODEL_NAME}/versions/${MODEL_VERSION}/infer")]
    [InlineData("POST", "/v2/models/convnet/versions/3/infer", "/v2/models/${MODEL_NAME}/versions/${MODEL_VERSION}/infer")]
    [InlineData("GET", "/v2/models/convnet", "/v2/models/${MODEL_NAME}/versions/${MODEL_VERSION}")]
    [InlineData("GET", "/v2/models/convnet/ready", "/v2/models/${MODEL_NAME}/versions/${MODEL_VERSION}/ready")]
    [InlineData("GET", "/v2", "/v2/")]
    [InlineData("POST", "/v2/models/tiny-gpt/generate_stream", "/v2/models/${MODEL_NAME}/versions/${MODEL_VERSION}/generate_stream")]
    public void Find_OurRoute_IsTheDocumentedOperation(string method, string path, string template)
    {
        Assert.Equal(template, Schemas.Find(method, path)?.Template);
    }

    [Theory]
    [InlineData("POST", "/v2/repository/index")]
    [InlineData("GET", "/v2/models/convnet/infer")]
    public void Find_RouteTheDocumentsDoNotDefine_IsNull(string method, string path)
    {
        Assert.Null(Schemas.Find(method, path));
    }

    [Fact]
    public void Violations_InferResponseAsTheProtocolWritesIt_IsEmpty()
    {
        var schema = Schemas.Find("POST", "/v2/models/m/infer")!.SchemaFor(200)!;

        Assert.Empty(ProtocolSchemas.Violations(schema, Json("""{"model_name":"m","model_version":"1","outputs":[{"name":"y","shape":[1,2],"datatype":"FP32","data":[1.5,2]}]}""")));
    }

    [Theory]
    [InlineData("""{"model_name":"m","outputs":[{"name":"y","shape":[2],"datatype":"FP32"}]}""", "/outputs/0")]
    [InlineData("""{"model_name":"m","id":null,"outputs":[]}""", "/id")]
    [InlineData("""{"outputs":[]}""", "model_name")]
    public void Violations_InferResponseOffTheProtocol_NamesWhere(string body, string where)
    {
        var schema = Schemas.Find("POST", "/v2/models/m/infer")!.SchemaFor(200)!;

        Assert.Contains(ProtocolSchemas.Violations(schema, Json(body)), v => v.Contains(where, StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_StreamDetailsWithoutFinishReason_AreReported()
    {
        var schema = Schemas.Find("POST", "/v2/models/m/generate_stream")!.SchemaFor(200)!;

        Assert.NotEmpty(ProtocolSchemas.Violations(schema, Json("""{"text_output":"a","model_name":"m","details":{"token":{"id":1,"text":"a","logprob":-0.1,"special":false}}}""")));
    }

    [Fact]
    public void SchemaFor_ErrorTheOperationDoesNotList_IsItsDocumentedErrorBody()
    {
        var infer = Schemas.Find("POST", "/v2/models/m/infer")!;

        Assert.NotEmpty(ProtocolSchemas.Violations(infer.SchemaFor(503)!, Json("""{"error":7}""")));
        Assert.Empty(ProtocolSchemas.Violations(infer.SchemaFor(503)!, Json("""{"error":"Model 'm' is loading."}""")));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
