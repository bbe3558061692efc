using System.Net;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

public sealed class TokenizationEndpointsTests(ClassifierServer server) : IClassFixture<ClassifierServer>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Tokenize_FixtureText_GivesPyTorchIdsWithOffsetsIntoTheInput()
    {
        var expected = Fixtures.ClassifierCases[0];

        using var response = await _client.PostJsonAsync("/v1/tokenize", new { model = "tiny-bert-cls", inputs = expected.Text });

        var tokens = (await response.ReadJsonAsync()).GetProperty("tokens")[0].EnumerateArray().ToList();
        Assert.Equal(expected.Ids, tokens.Select(t => t.GetProperty("id").GetInt32()).ToArray());
        Assert.True(tokens[0].GetProperty("special").GetBoolean());
        Assert.True(tokens[^1].GetProperty("special").GetBoolean());
        foreach (var token in tokens.Skip(1).SkipLast(1))
        {
            var start = token.GetProperty("start").GetInt32();
            var stop = token.GetProperty("stop").GetInt32();
            Assert.Equal(token.GetProperty("text").GetString(), expected.Text[start..stop].ToLowerInvariant());
        }
    }

    [Fact]
    public async Task Detokenize_FixtureIds_GivesTheLowerCasedText()
    {
        using var response = await _client.PostJsonAsync("/v1/detokenize", new { model = "tiny-bert-cls", ids = new[] { Fixtures.ClassifierCases[0].Ids } });

        var texts = (await response.ReadJsonAsync()).GetProperty("texts");
        Assert.Equal("the movie was great!", texts[0].GetString());
    }

    [Theory]
    [InlineData("""{"model":"tiny-bert-cls","ids":[[2,5,99]]}""", "ids[0][2]")]
    [InlineData("""{"model":"tiny-bert-cls","ids":[[-1]]}""", "ids[0][0]")]
    [InlineData("""{"model":"tiny-bert-cls","ids":[]}""", "ids")]
    [InlineData("""{"model":"tiny-bert-cls","ids":[["a"]]}""", "ids[0][0]")]
    public async Task Detokenize_BadIds_Answers400NamingTheId(string json, string field)
    {
        using var response = await _client.PostRawAsync("/v1/detokenize", json);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", field);
    }

    [Fact]
    public async Task Detokenize_TooManyIds_Answers400WithTheLimit()
    {
        var ids = new[] { Enumerable.Repeat(5, 600).ToArray(), Enumerable.Repeat(6, 401).ToArray() };

        using var response = await _client.PostJsonAsync("/v1/detokenize", new { model = "tiny-bert-cls", ids });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "ids");
        Assert.Equal(1000, problem.GetProperty("limit").GetInt32());
        Assert.Equal(1001, problem.GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task Tokenize_UnknownModel_Answers404()
    {
        using var response = await _client.PostJsonAsync("/v1/tokenize", new { model = "missing", inputs = "a" });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found", "model");
    }
}
