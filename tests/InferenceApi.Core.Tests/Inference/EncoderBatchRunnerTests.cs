using InferenceApi.Core.Backends;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Inference;

public sealed class EncoderBatchRunnerTests
{
    private const int PadId = 0;

    [Fact]
    public void Run_Classification_ReturnsEachRowOfLogitsInInputOrder()
    {
        var session = new FakeSession(batch => Output([batch.Size, 2], [.. Enumerable.Range(0, batch.Size * 2).Select(i => (float)i)]));
        var runner = new EncoderBatchRunner([session], ModelTask.TextClassification, PadId, withTokenTypes: true);

        var results = runner.Run([[1, 2, 3], [4]], instance: 0);

        Assert.Equal([[0f, 1f], [2f, 3f]], results);
        Assert.NotNull(session.LastTokenTypes);
    }

    [Fact]
    public void Run_FeatureExtraction_MeanPoolsOnlyTheRealTokensOfEachRow()
    {
        // Hidden state at [row, position] is (10 * row + position, 1): padding would change the mean.
        var session = new FakeSession(batch =>
        {
            var data = new List<float>();
            for (var row = 0; row < batch.Size; row++)
            {
                for (var position = 0; position < batch.SequenceLength; position++)
                {
                    data.Add((10 * row) + position);
                    data.Add(1);
                }
            }

            return Output([batch.Size, batch.SequenceLength, 2], [.. data]);
        });
        var runner = new EncoderBatchRunner([session], ModelTask.FeatureExtraction, PadId, withTokenTypes: false);

        var results = runner.Run([[5, 6, 7, 8], [9, 10]], instance: 0);

        Assert.Equal([1.5f, 1f], results[0]);
        Assert.Equal([10.5f, 1f], results[1]);
        Assert.Null(session.LastTokenTypes);
    }

    [Fact]
    public void Run_Instance_UsesThatInstancesSession()
    {
        var first = new FakeSession(batch => Output([batch.Size, 1], [1f]));
        var second = new FakeSession(batch => Output([batch.Size, 1], [2f]));
        var runner = new EncoderBatchRunner([first, second], ModelTask.TextClassification, PadId, withTokenTypes: false);

        var results = runner.Run([[1]], instance: 1);

        Assert.Equal([2f], results[0]);
        Assert.Equal(0, first.Calls);
        Assert.Equal(1, second.Calls);
    }

    private static EncoderOutput Output(long[] shape, float[] values)
    {
        var output = new EncoderOutput(shape);
        values.CopyTo(output.Data);
        return output;
    }

    private sealed class FakeSession(Func<EncoderBatch, EncoderOutput> run) : IEncoderSession
    {
        public string Placement => "fake";

        public int Calls { get; private set; }

        public long[]? LastTokenTypes { get; private set; }

        public EncoderOutput Run(EncoderBatch batch)
        {
            Calls++;
            LastTokenTypes = batch.TokenTypeIds?.AsSpan(0, batch.Count).ToArray();
            return run(batch);
        }

        public void Dispose()
        {
        }
    }
}
