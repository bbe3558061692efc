using System.Globalization;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.KServe;

/// <summary>Dynamic batching of raw tensors: rows of concurrent requests run as one stacked batch and come back as each would alone.</summary>
[Collection(TensorServerCollection.Name)]
public sealed class TensorBatchingTests(TensorServer server)
{
    private const float Tolerance = 1e-6f;

    [Fact]
    public async Task Infer_ConcurrentRequestsStackedInOneBatch_EqualUnbatchedRuns()
    {
        // 1 + 2 + 1 + 3 + 1 rows fill convnet-batched's batch of 8 exactly: it runs when full, not on a timer.
        int[] rows = [1, 2, 1, 3, 1];
        var inputs = rows.Select((r, i) => TensorTaskTests.ConvNetInputs(r, seed: 100 + i)).ToArray();

        var batched = await Task.WhenAll(rows.Select((r, i) =>
            server.Client.PostJsonAsync("/v2/models/convnet-batched/infer", TensorTaskTests.ConvNetRequest(inputs[i].Frames, inputs[i].Offset, inputs[i].Keep, r))));

        for (var i = 0; i < rows.Length; i++)
        {
            using var response = batched[i];
            Assert.Equal(TensorServer.BatchedRows.ToString(CultureInfo.InvariantCulture), response.Header("x-batch-size"));
            var alone = await server.Client.PostJsonAsync("/v2/models/convnet-single/infer", TensorTaskTests.ConvNetRequest(inputs[i].Frames, inputs[i].Offset, inputs[i].Keep, rows[i]));
            Assert.Equal("1", alone.Header("x-batch-size"));
            var expected = Outputs(await alone.ReadJsonAsync());
            var actual = Outputs(await response.ReadJsonAsync());
            Assert.Equal(expected["label"], actual["label"]);
            Assert.Equal(expected["scores"].Length, actual["scores"].Length);
            for (var e = 0; e < expected["scores"].Length; e++)
            {
                Assert.True(Math.Abs(expected["scores"][e] - actual["scores"][e]) <= Tolerance, $"request {i} element {e}: {actual["scores"][e]} batched vs {expected["scores"][e]} alone");
            }
        }
    }

    [Fact]
    public async Task Models_MaxBatchSizeZero_RunsEachRequestAlone()
    {
        var model = await (await server.Client.GetAsync("/v1/models/convnet-single")).ReadJsonAsync();

        Assert.Equal(1, model.GetProperty("versions")[0].GetProperty("batching").GetProperty("max_batch_size").GetInt32());
    }

    private static Dictionary<string, float[]> Outputs(System.Text.Json.JsonElement body) =>
        body.GetProperty("outputs").EnumerateArray().ToDictionary(
            o => o.GetProperty("name").GetString()!,
            o => o.GetProperty("data").EnumerateArray().Select(d => d.GetSingle()).ToArray());
}
