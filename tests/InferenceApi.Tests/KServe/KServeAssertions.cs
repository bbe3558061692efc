using System.Net;
using System.Text.Json;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.KServe;

/// <summary>Builds Open Inference Protocol requests from the fixture and reads answers as a KServe client would.</summary>
internal static class KServeAssertions
{
    /// <summary>Asserts the protocol's error body, <c>{"error": "message"}</c>, with the status and (when given) words from the message.</summary>
    public static async Task<string> AssertKServeErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string? contains = null)
    {
        var body = await response.ReadJsonAsync(status);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var message = body.GetProperty("error").GetString();
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.False(body.TryGetProperty("status", out _), $"Problem details instead of a KServe error: {body}");
        Assert.DoesNotContain("   at ", message);
        if (contains is not null)
        {
            Assert.Contains(contains, message);
        }

        return message!;
    }

    /// <summary>The fixture's ids padded into one [cases, longest] tensor (nested rows) with its attention mask (flat).</summary>
    public static object PaddedIdsRequest(IReadOnlyList<ClassifierCase> cases, string? id = null, object[]? outputs = null)
    {
        var longest = cases.Max(c => c.Ids.Length);
        var ids = cases.Select(c => c.Ids.Select(i => (long)i).Concat(Enumerable.Repeat(0L, longest - c.Ids.Length)).ToArray()).ToArray();
        var mask = cases.SelectMany(c => Enumerable.Repeat(1L, c.Ids.Length).Concat(Enumerable.Repeat(0L, longest - c.Ids.Length))).ToArray();
        return new
        {
            id,
            inputs = new object[]
            {
                new { name = "input_ids", shape = new[] { cases.Count, longest }, datatype = "INT64", data = ids },
                new { name = "attention_mask", shape = new[] { cases.Count, longest }, datatype = "INT64", data = mask },
            },
            outputs,
        };
    }

    public static object TextRequest(IReadOnlyList<string> texts, bool? truncate = null) => new
    {
        inputs = new object[]
        {
            new
            {
                name = "text",
                shape = new[] { texts.Count },
                datatype = "BYTES",
                parameters = truncate is { } t ? new { truncate = t } : null,
                data = texts,
            },
        },
    };

    /// <summary>The one output named <paramref name="name"/>, as rows of its [batch, width] shape.</summary>
    public static float[][] Rows(JsonElement response, string name)
    {
        var output = response.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        var data = output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(2, shape.Length);
        Assert.Equal(shape[0] * shape[1], data.Length);
        return Enumerable.Range(0, shape[0]).Select(r => data.Skip(r * shape[1]).Take(shape[1]).ToArray()).ToArray();
    }

    public static double[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        return exp.Select(e => e / sum).ToArray();
    }
}
