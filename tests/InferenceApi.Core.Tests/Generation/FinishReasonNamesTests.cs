using InferenceApi.Core.Generation;

namespace InferenceApi.Core.Tests.Generation;

public sealed class FinishReasonNamesTests
{
    [Theory]
    [InlineData(FinishReason.Length, "length", "length")]
    [InlineData(FinishReason.EosToken, "eos_token", "stop")]
    [InlineData(FinishReason.StopSequence, "stop_sequence", "stop")]
    public void Names_ApiAndOpenAi(FinishReason reason, string api, string openAi)
    {
        Assert.Equal(api, reason.ToApiName());
        Assert.Equal(openAi, reason.ToOpenAiName());
    }
}
