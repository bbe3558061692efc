using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>Reads answers the way a client would, and checks problem details as SPEC defines them.</summary>
public static class HttpAssertions
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} but got {(int)response.StatusCode}: {body}");
        Assert.False(string.IsNullOrEmpty(body), $"Status {(int)response.StatusCode} came with an empty body");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 7807 answer with the status, error type and (when given) the field at fault.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string errorType, string? field = null)
    {
        var problem = await response.ReadJsonAsync(status);
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(errorType, problem.GetProperty("errorType").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.DoesNotContain("   at ", problem.GetProperty("detail").GetString());
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        return problem;
    }

    /// <summary>
    /// Asserts OpenAI's error object, <c>{"error": {"message", "type", "param", "code"}}</c>, with the status, the code
    /// (our <c>errorType</c>, or OpenAI's own code where it has one) and the field at fault (<c>param</c>, null when none).
    /// </summary>
    public static async Task<JsonElement> AssertOpenAiErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string code, string? param = null)
    {
        var body = await response.ReadJsonAsync(status);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(["error"], body.EnumerateObject().Select(p => p.Name));
        var error = body.GetProperty("error");
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.DoesNotContain("   at ", error.GetProperty("message").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()));
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        return error;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body, InferenceApiFactory.Json);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : throw new Xunit.Sdk.XunitException($"No {name} header");
}
