using InferenceApi.Core.Generation;

namespace InferenceApi.Core.Tests.Generation;

/// <summary>Validated parameters for sampler tests, built the only way production builds them.</summary>
internal static class SamplingTestParameters
{
    public static SamplingParameters Create(
        float temperature = 1f, int? topK = null, float? topP = null, float? repetitionPenalty = null, ulong? seed = 1)
    {
        var request = new SamplingRequest
        {
            Temperature = temperature,
            TopK = topK,
            TopP = topP,
            RepetitionPenalty = repetitionPenalty,
            Seed = seed,
        };
        var result = SamplingValidator.Validate(request, contextLength: 1024, promptTokens: 1, new SamplingLimits(100_000));
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value;
    }

    /// <summary>Logits whose softmax is exactly the given probabilities (up to float rounding).</summary>
    public static float[] LogitsOf(params double[] probabilities) =>
        [.. probabilities.Select(p => (float)Math.Log(p))];
}
