using InferenceApi.Core.Generation;

namespace InferenceApi.Core.Tests.Generation;

public sealed class TokenSamplerTests
{
    private const int Draws = 10_000;

    private static SamplingParameters Params(
        float temperature = 1f, int? topK = null, float? topP = null, float? repetitionPenalty = null, ulong? seed = 1) =>
        SamplingTestParameters.Create(temperature, topK, topP, repetitionPenalty, seed);

    private static float[] LogitsOf(params double[] probabilities) => SamplingTestParameters.LogitsOf(probabilities);

    /// <summary>Frequencies of each id over <paramref name="draws"/> calls on a fresh copy of the logits each time.</summary>
    private static double[] Frequencies(TokenSampler sampler, float[] logits, int draws = Draws)
    {
        var counts = new double[logits.Length];
        var row = new float[logits.Length];
        for (var i = 0; i < draws; i++)
        {
            logits.CopyTo(row, 0);
            counts[sampler.Next(row, [], out _)]++;
        }

        return [.. counts.Select(c => c / draws)];
    }

    [Fact]
    public void Next_Greedy_ReturnsArgmax()
    {
        var sampler = new TokenSampler(Params(temperature: 0f));

        Assert.Equal(1, sampler.Next([1f, 3f, 2f], [], out _));
        Assert.Equal(3, sampler.Next([-5f, -4f, -9f, -1f], [], out _));
    }

    [Fact]
    public void Next_GreedyTie_ReturnsLowestId()
    {
        var sampler = new TokenSampler(Params(temperature: 0f));

        Assert.Equal(1, sampler.Next([1f, 5f, 5f, 2f, 5f], [], out _));
    }

    [Fact]
    public void Next_Greedy_LogprobIsLogSoftmaxOfRawLogits()
    {
        var sampler = new TokenSampler(Params(temperature: 0f));

        // log_softmax([1, 2, 3])[2] = 3 - (3 + ln(1 + e^-1 + e^-2)) = -0.4076059644
        var id = sampler.Next([1f, 2f, 3f], [], out var logprob);

        Assert.Equal(2, id);
        Assert.Equal(-0.4076059644, logprob, 1e-6);
    }

    [Theory]
    [InlineData(50_257, 1)]
    [InlineData(50_257, 2)]
    [InlineData(37, 3)]
    [InlineData(3, 4)]
    public void ArgMax_AnyLength_AgreesWithAScalarScan(int vocabulary, int seed)
    {
        var random = new Random(seed);
        var logits = Enumerable.Range(0, vocabulary).Select(_ => (float)random.NextDouble() * 10).ToArray();

        Assert.Equal(ScalarArgMax(logits), TokenSampler.ArgMax(logits));

        // The maximum in the tail after the last whole vector, then tied with an earlier one: the earlier id wins.
        logits[^1] = 20f;
        Assert.Equal(vocabulary - 1, TokenSampler.ArgMax(logits));
        logits[vocabulary / 2] = 20f;
        Assert.Equal(vocabulary / 2, TokenSampler.ArgMax(logits));
    }

    [Fact]
    public void ArgMax_NaNsAndInfinities_BehaveAsAScalarScan()
    {
        var logits = Enumerable.Repeat(float.NegativeInfinity, 1000).ToArray();
        Assert.Equal(0, TokenSampler.ArgMax(logits));

        logits[500] = float.NaN;
        logits[700] = -3f;
        Assert.Equal(700, TokenSampler.ArgMax(logits));

        logits[0] = float.NaN;
        Assert.Equal(ScalarArgMax(logits), TokenSampler.ArgMax(logits));
    }

    [Fact]
    public void ArgMax_Empty_Throws()
    {
        Assert.Throws<ArgumentException>(() => TokenSampler.ArgMax([]));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.8f)]
    public void Next_WithoutLogprob_ChoosesTheSameTokens(float temperature)
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, 2_000).Select(_ => (float)random.NextDouble() * 8).ToArray()).ToArray();
        var reporting = new TokenSampler(Params(temperature: temperature, seed: 9));
        var silent = new TokenSampler(Params(temperature: temperature, seed: 9));

        foreach (var row in rows)
        {
            Assert.Equal(reporting.Next(row.ToArray(), [], out _), silent.Next(row.ToArray(), []));
        }
    }

    private static int ScalarArgMax(float[] logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            best = logits[i] > logits[best] ? i : best;
        }

        return best;
    }

    [Fact]
    public void Next_GreedyIgnoresSeedAndTopFilters()
    {
        var a = new TokenSampler(Params(temperature: 0f, topK: 1, topP: 0.1f, seed: 1));
        var b = new TokenSampler(Params(temperature: 0f, seed: 2));

        Assert.Equal(a.Next([0.5f, 0.2f, 0.9f], [], out var la), b.Next([0.5f, 0.2f, 0.9f], [], out var lb));
        Assert.Equal(la, lb);
    }

    [Fact]
    public void Next_TemperatureOne_SamplesTheSoftmax()
    {
        var frequencies = Frequencies(new TokenSampler(Params(seed: 7)), LogitsOf(0.2, 0.3, 0.5));

        Assert.Equal(0.2, frequencies[0], 0.02);
        Assert.Equal(0.3, frequencies[1], 0.02);
        Assert.Equal(0.5, frequencies[2], 0.02);
    }

    [Fact]
    public void Next_LowTemperature_SharpensTheDistribution()
    {
        // T = 0.5: p^2 renormalised = [0.04, 0.09, 0.25] / 0.38
        var frequencies = Frequencies(new TokenSampler(Params(temperature: 0.5f, seed: 7)), LogitsOf(0.2, 0.3, 0.5));

        Assert.Equal(0.04 / 0.38, frequencies[0], 0.02);
        Assert.Equal(0.09 / 0.38, frequencies[1], 0.02);
        Assert.Equal(0.25 / 0.38, frequencies[2], 0.02);
    }

    [Fact]
    public void Next_HighTemperature_FlattensTheDistribution()
    {
        // T = 2: sqrt(p) renormalised
        double[] root = [Math.Sqrt(0.2), Math.Sqrt(0.3), Math.Sqrt(0.5)];
        var sum = root.Sum();
        var frequencies = Frequencies(new TokenSampler(Params(temperature: 2f, seed: 7)), LogitsOf(0.2, 0.3, 0.5));

        Assert.Equal(root[0] / sum, frequencies[0], 0.02);
        Assert.Equal(root[1] / sum, frequencies[1], 0.02);
        Assert.Equal(root[2] / sum, frequencies[2], 0.02);
    }

    [Fact]
    public void Next_TopK_SamplesOnlyTheKBest()
    {
        var frequencies = Frequencies(new TokenSampler(Params(topK: 2, seed: 3)), [1f, 4f, 3f, 2f, 0f], draws: 2_000);

        Assert.Equal(0, frequencies[0] + frequencies[3] + frequencies[4]);
        // Renormalised over the two kept: e^4 / (e^4 + e^3) = sigmoid(1)
        Assert.Equal(0.7310585786, frequencies[1], 0.03);
        Assert.Equal(1 - 0.7310585786, frequencies[2], 0.03);
    }

    [Fact]
    public void Next_TopKTiesAtTheCut_KeepsExactlyKLowestIds()
    {
        var frequencies = Frequencies(new TokenSampler(Params(topK: 2, seed: 3)), [5f, 5f, 5f, 1f], draws: 2_000);

        Assert.Equal(0, frequencies[2] + frequencies[3]);
        Assert.True(frequencies[0] > 0.4 && frequencies[1] > 0.4);
    }

    [Fact]
    public void Next_TopKOne_IsArgmaxWithLogprobZero()
    {
        var sampler = new TokenSampler(Params(topK: 1));

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(2, sampler.Next([0.1f, 0.2f, 0.3f, -1f], [], out var logprob));
            Assert.Equal(0f, logprob);
        }
    }

    [Theory]
    [InlineData(0.4f, new[] { 1 })]
    [InlineData(0.7f, new[] { 1, 3 })]
    [InlineData(0.85f, new[] { 1, 3, 0 })]
    [InlineData(0.99f, new[] { 1, 3, 0, 2 })]
    public void Next_TopP_SamplesOnlyTheNucleus(float topP, int[] nucleus)
    {
        // Probabilities by id: [0.15, 0.5, 0.05, 0.3]; descending 0.5, 0.3, 0.15, 0.05 with cumulative
        // 0.5, 0.8, 0.95, 1.0: the nucleus is the shortest prefix whose cumulative reaches top_p.
        var frequencies = Frequencies(new TokenSampler(Params(topP: topP, seed: 11)), LogitsOf(0.15, 0.5, 0.05, 0.3), draws: 4_000);

        for (var id = 0; id < frequencies.Length; id++)
        {
            Assert.True(nucleus.Contains(id) == frequencies[id] > 0, $"id {id}: frequency {frequencies[id]}");
        }
    }

    [Fact]
    public void Next_TopP_RenormalisesOverTheNucleusAndReportsItsLogprob()
    {
        var sampler = new TokenSampler(Params(topP: 0.7f, seed: 5));
        var frequencies = Frequencies(sampler, LogitsOf(0.15, 0.5, 0.05, 0.3));

        // Nucleus {0.5, 0.3}: renormalised 0.625 and 0.375.
        Assert.Equal(0.625, frequencies[1], 0.02);
        Assert.Equal(0.375, frequencies[3], 0.02);

        var seen = new HashSet<int>();
        for (var i = 0; i < 50; i++)
        {
            var id = sampler.Next(LogitsOf(0.15, 0.5, 0.05, 0.3), [], out var logprob);
            seen.Add(id);
            Assert.Equal(id == 1 ? Math.Log(0.625) : Math.Log(0.375), logprob, 1e-5);
        }

        Assert.Equal([1, 3], seen.Order());
    }

    [Fact]
    public void Next_TopPOverLargeVocabulary_KeepsTheTwoTokenNucleus()
    {
        // 50,000 tokens: id 7 at logit 10, id 123 at 9, the rest at 0. P(7) = 0.275, P(123) = 0.101,
        // so top_p = 0.3 keeps exactly those two (renormalised sigmoid(1) and 1 - sigmoid(1)).
        var logits = new float[50_000];
        logits[7] = 10f;
        logits[123] = 9f;
        var frequencies = Frequencies(new TokenSampler(Params(topP: 0.3f, seed: 9)), logits, draws: 500);

        Assert.Equal(1.0, frequencies[7] + frequencies[123], 1e-12);
        Assert.Equal(0.7310585786, frequencies[7], 0.06);
    }

    [Fact]
    public void Next_TopPReachingIntoTiedTail_KeepsTheLowestIdsOfTheTail()
    {
        // As above, but top_p = 0.9 needs ~41,990 of the 49,998 tokens tied at logit 0: the lower ids are kept.
        var logits = new float[50_000];
        logits[7] = 10f;
        logits[123] = 9f;
        var e10 = Math.Exp(10);
        var total = e10 + Math.Exp(9) + 49_998;
        var tailNeeded = (0.9 * total) - e10 - Math.Exp(9);

        var sampler = new TokenSampler(Params(topP: 0.9f, seed: 9));
        var row = new float[logits.Length];
        var count7 = 0;
        for (var i = 0; i < 500; i++)
        {
            logits.CopyTo(row, 0);
            var id = sampler.Next(row, [], out _);
            count7 += id == 7 ? 1 : 0;
            Assert.True(id < tailNeeded + 200, $"id {id} lies outside the nucleus");
        }

        Assert.Equal(e10 / (0.9 * total), count7 / 500.0, 0.06);
    }

    [Fact]
    public void Next_SampledLogprob_IsLogSoftmaxAfterTemperature()
    {
        // Logits [0, ln 4] at T = 2 give probabilities [1/3, 2/3].
        var sampler = new TokenSampler(Params(temperature: 2f, seed: 21));
        var seen = new HashSet<int>();
        for (var i = 0; i < 50; i++)
        {
            var id = sampler.Next([0f, (float)Math.Log(4)], [], out var logprob);
            seen.Add(id);
            Assert.Equal(Math.Log(id == 0 ? 1 / 3.0 : 2 / 3.0), logprob, 1e-6);
        }

        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public void Next_SampledLogprobAfterTopK_IsRenormalisedOverTheKept()
    {
        // Probabilities [0.1, 0.2, 0.3, 0.4], top_k 2 keeps 0.4 and 0.3: 4/7 and 3/7.
        var sampler = new TokenSampler(Params(topK: 2, seed: 4));
        for (var i = 0; i < 30; i++)
        {
            var id = sampler.Next(LogitsOf(0.1, 0.2, 0.3, 0.4), [], out var logprob);
            Assert.Equal(Math.Log(id == 3 ? 4 / 7.0 : 3 / 7.0), logprob, 1e-5);
        }
    }

    [Fact]
    public void ApplyRepetitionPenalty_DividesPositiveMultipliesNegative_OncePerDistinctToken()
    {
        float[] logits = [2f, -2f, 1f, 0.5f, 0f];

        TokenSampler.ApplyRepetitionPenalty(logits, [0, 1, 1, 4, 0], 2f);

        Assert.Equal([1f, -4f, 1f, 0.5f, 0f], logits);
    }

    [Fact]
    public void ApplyRepetitionPenalty_BelowOne_FavoursRepeats()
    {
        float[] logits = [2f, -2f];

        TokenSampler.ApplyRepetitionPenalty(logits, [0, 1], 0.5f);

        Assert.Equal([4f, -1f], logits);
    }

    [Fact]
    public void ApplyRepetitionPenalty_PenaltyNearZero_KeepsLogitsFinite()
    {
        float[] logits = [2f, -2f, 1f];

        TokenSampler.ApplyRepetitionPenalty(logits, [0, 1], float.Epsilon);

        Assert.Equal([float.MaxValue, -2f * float.Epsilon, 1f], logits);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.7f)]
    public void Next_PenaltyNearZero_ReportsAFiniteLogprob(float temperature)
    {
        var sampler = new TokenSampler(Params(temperature: temperature, repetitionPenalty: float.Epsilon, seed: 3));

        var token = sampler.Next([3f, 2.5f, -1f], [1], out var logprob);

        Assert.Equal(1, token);
        Assert.True(float.IsFinite(logprob), $"logprob {logprob}");
    }

    [Fact]
    public void ApplyRepetitionPenalty_TokenOutsideVocabulary_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenSampler.ApplyRepetitionPenalty(new float[3], [3], 1.5f));
    }

    [Fact]
    public void Next_GreedyWithRepetitionPenalty_AvoidsTheRepeatAndReportsThePenalisedLogprob()
    {
        var sampler = new TokenSampler(Params(temperature: 0f, repetitionPenalty: 2f));
        float[] logits = [3f, 2.5f];

        var id = sampler.Next(logits, [0], out var logprob);

        // Token 0 falls to 3 / 2 = 1.5 < 2.5; log_softmax([1.5, 2.5])[1] = -ln(1 + e^-1).
        Assert.Equal(1, id);
        Assert.Equal([1.5f, 2.5f], logits);
        Assert.Equal(-Math.Log(1 + Math.Exp(-1)), logprob, 1e-6);
    }

    [Fact]
    public void Next_SameSeed_SameSequence_DifferentSeed_DifferentSequence()
    {
        static int[] Generate(ulong seed)
        {
            var sampler = new TokenSampler(Params(temperature: 0.9f, topK: 8, topP: 0.95f, repetitionPenalty: 1.2f, seed: seed));
            var tokens = new List<int> { 3 };
            for (var step = 0; step < 64; step++)
            {
                var logits = new float[16];
                for (var i = 0; i < logits.Length; i++)
                {
                    logits[i] = (float)Math.Sin((i * 1.3) + step);
                }

                tokens.Add(sampler.Next(logits, [.. tokens], out _));
            }

            return [.. tokens];
        }

        Assert.Equal(Generate(42), Generate(42));
        Assert.NotEqual(Generate(42), Generate(43));
    }

    [Fact]
    public void Constructor_WithoutSeed_DrawsOneAndReportsIt()
    {
        var parameters = Params(seed: null);

        var a = new TokenSampler(parameters);
        var b = new TokenSampler(parameters);

        Assert.NotEqual(a.Seed, b.Seed);
        Assert.Equal(123UL, new TokenSampler(Params(seed: 123)).Seed);
    }

    [Fact]
    public void Next_SeededDraws_ArePinnedAcrossRunsAndPlatforms()
    {
        // The generator is ours, so these values may only change with a deliberate algorithm change. Uniform logits
        // over 10 ids make each draw floor(10 * u); the values were checked against an independent Python xoshiro256**.
        var sampler = new TokenSampler(Params(seed: 2024));
        var ids = new int[12];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = sampler.Next(new float[10], [], out _);
        }

        Assert.Equal(PinnedDraws, ids);
    }

    private static readonly int[] PinnedDraws = [0, 7, 0, 1, 7, 2, 3, 2, 5, 0, 7, 9];
}
