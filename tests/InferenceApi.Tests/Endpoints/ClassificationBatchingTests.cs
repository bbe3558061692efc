using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

public sealed class ClassificationBatchingTests(UncachedClassifierServer server) : IClassFixture<UncachedClassifierServer>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Classify_ManyConcurrentRequests_AreBatchedTogetherAndMatchPyTorchScores()
    {
        // The four reference texts repeat (no other texts have reference scores); with the cache off every
        // request runs, and requests fired together must share batches.
        var requests = Enumerable.Range(0, 48).Select(async i =>
        {
            var expected = Fixtures.ClassifierCases[i % Fixtures.ClassifierCases.Count];
            var text = expected.Text;
            using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = new[] { text } });
            var body = await response.ReadJsonAsync();
            ClassificationEndpointsTests.AssertScores(expected, body.GetProperty("results")[0]);
            return (Cache: response.Header("x-cache"), Batch: int.Parse(response.Header("x-batch-size"), System.Globalization.CultureInfo.InvariantCulture));
        }).ToList();

        var answers = await Task.WhenAll(requests);

        Assert.All(answers, a => Assert.Equal("miss", a.Cache));
        Assert.True(answers.Max(a => a.Batch) > 1, $"No request shared a batch: {string.Join(",", answers.Select(a => a.Batch))}");
    }
}
