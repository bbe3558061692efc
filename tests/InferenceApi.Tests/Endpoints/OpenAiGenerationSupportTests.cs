using System.Text;
using System.Text.Json;
using InferenceApi.Contracts;
using InferenceApi.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Tests.Endpoints;

public sealed class OpenAiGenerationSupportTests
{
    /// <summary>As the server writes JSON: snake_case, nulls left out unless a contract says otherwise.</summary>
    private static readonly JsonSerializerOptions ServerJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    [Fact]
    public async Task Stream_ErrorAfterTheStreamBegan_IsOneDataEventWithOpenAisErrorObject_AndNoDone()
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        var body = new MemoryStream();
        http.Response.Body = body;
        var error = new OpenAiErrorResponse(new OpenAiError("Model gpt failed to run the batch: boom", "server_error", null, "backend"));

        await OpenAiGenerationSupport.Stream(Chunks(new { id = "a" }, error, new { id = "never sent" }), ServerJson).ExecuteAsync(http);

        var text = Encoding.UTF8.GetString(body.ToArray());
        Assert.Equal(
            "data: {\"id\":\"a\"}\n\n" +
            "data: {\"error\":{\"message\":\"Model gpt failed to run the batch: boom\",\"type\":\"server_error\",\"param\":null,\"code\":\"backend\"}}\n\n",
            text);
    }

    private static async IAsyncEnumerable<object> Chunks(params object[] chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return chunk;
        }
    }
}
