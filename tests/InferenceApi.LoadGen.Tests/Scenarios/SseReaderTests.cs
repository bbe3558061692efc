using System.Text;
using InferenceApi.LoadGen.Scenarios;

namespace InferenceApi.LoadGen.Tests.Scenarios;

public class SseReaderTests
{
    [Fact]
    public async Task ReadAsync_FieldsCommentsAndMultilineData_ParsedPerSpec()
    {
        var text = ": keep-alive\n\ndata: {\"token\":\"a\"}\n\nevent: end\ndata: line1\ndata:line2\nid: 7\n\ndata: tail";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var events = new List<SseEvent>();
        await foreach (var e in SseReader.ReadAsync(stream))
        {
            events.Add(e);
        }

        Assert.Equal(
            [new SseEvent(null, "{\"token\":\"a\"}"), new SseEvent("end", "line1\nline2"), new SseEvent(null, "tail")],
            events);
    }

    [Theory]
    [InlineData("data: {\"token\":\"a\"}\n\ndata: {\"token\":\"b\"}\n\ndata: {\"usage\":{\"completion_tokens\":2}}\n\n", 2, null)]
    [InlineData("data: a\n\ndata: b\n\ndata: c\n\ndata: [DONE]\n\n", 3, null)]
    [InlineData("data: a\n\nevent: error\ndata: {\"error\":\"boom\"}\n\n", 1, "stream_error")]
    [InlineData("data: a\n\ndata: b\n\n", 2, "stream_truncated")]
    public async Task ReadStreamAsync_TokensUntilFinalEvent(string text, int tokens, string? error)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var response = await GenerateScenario.ReadStreamAsync(stream, new(200), CancellationToken.None);

        Assert.Equal(tokens, response.Tokens);
        Assert.Equal(error, response.Error);
        Assert.Equal(tokens - 1, response.InterTokenMs.Count);
        Assert.NotNull(response.FirstTokenTimestamp);
    }
}
