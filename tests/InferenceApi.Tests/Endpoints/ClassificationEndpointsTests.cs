using System.Text.Json;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

public sealed class ClassificationEndpointsTests(ClassifierServer server) : IClassFixture<ClassifierServer>
{
    private const double Tolerance = 1e-4;
    private readonly HttpClient _client = server.Client;

    public static TheoryData<int> CaseIndexes() => new(Enumerable.Range(0, Fixtures.ClassifierCases.Count));

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public async Task Classify_FixtureTextAlone_MatchesPyTorchScores(int index)
    {
        var expected = Fixtures.ClassifierCases[index];

        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = expected.Text });

        var body = await response.ReadJsonAsync();
        AssertScores(expected, body.GetProperty("results")[0]);
        Assert.Equal(expected.Ids.Length, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal("1", response.Header("x-model-version"));
    }

    [Fact]
    public async Task Classify_ListOfTexts_EqualsEachTextAlone()
    {
        var texts = Fixtures.ClassifierCases.Select(c => c.Text).ToArray();

        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = texts });

        var results = (await response.ReadJsonAsync()).GetProperty("results");
        Assert.Equal(texts.Length, results.GetArrayLength());
        for (var i = 0; i < texts.Length; i++)
        {
            AssertScores(Fixtures.ClassifierCases[i], results[i]);
        }
    }

    [Fact]
    public async Task Classify_TopK_ReturnsTheBestKLabelsInOrder()
    {
        var expected = Fixtures.ClassifierCases[1];

        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = expected.Text, top_k = 2 });

        var labels = (await response.ReadJsonAsync()).GetProperty("results")[0].GetProperty("labels");
        Assert.Equal(2, labels.GetArrayLength());
        var best = expected.Scores.OrderByDescending(s => s.Value).Take(2).Select(s => s.Key).ToArray();
        Assert.Equal(best, labels.EnumerateArray().Select(l => l.GetProperty("label").GetString()).ToArray());
    }

    [Fact]
    public async Task Classify_SameTextTwice_SecondAnswerComesFromTheCache()
    {
        var text = "the story was really fun " + Guid.NewGuid().ToString("N")[..6];

        using var first = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = text });
        using var second = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = text.ToUpperInvariant() });

        Assert.Equal("miss", first.Header("x-cache"));
        Assert.Equal("hit", second.Header("x-cache"));
        Assert.Equal(
            (await first.ReadJsonAsync()).GetProperty("results").GetRawText(),
            (await second.ReadJsonAsync()).GetProperty("results").GetRawText());
    }

    /// <summary>The queue time is checked to the millisecond on a fake clock (<see cref="OverloadTests"/>); here the real clock times the run.</summary>
    [Fact]
    public async Task Classify_AnswersCarryInferenceTimeAndBatchSize()
    {
        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "a wonderful film " + Guid.NewGuid().ToString("N")[..6] });

        await response.ReadJsonAsync();
        Assert.True(double.Parse(response.Header("x-inference-time"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("1", response.Header("x-batch-size"));
    }

    [Fact]
    public async Task Classify_TooLongWithTruncate_ClassifiesTheFirstTokensAndSaysSo()
    {
        var text = string.Join(' ', Enumerable.Repeat("good", 200));

        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = text, truncate = true });

        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("results")[0].GetProperty("truncated").GetBoolean());
        Assert.Equal(64, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    internal static void AssertScores(ClassifierCase expected, JsonElement result)
    {
        var served = result.GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("label").GetString()!, l => l.GetProperty("score").GetDouble());
        Assert.Equal(expected.Scores.Keys.Order(), served.Keys.Order());
        foreach (var (label, score) in expected.Scores)
        {
            Assert.True(Math.Abs(served[label] - score) <= Tolerance, $"{expected.Text}: {label} served {served[label]}, PyTorch {score}");
        }
    }
}
