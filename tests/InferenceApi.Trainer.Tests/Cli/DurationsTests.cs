using InferenceApi.Trainer.Cli;

namespace InferenceApi.Trainer.Tests.Cli;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5m", 90)]
    [InlineData("500ms", 0.5)]
    [InlineData("00:05:00", 300)]
    [InlineData("1.02:00:00", 93600)]
    public void TryParse_WrittenDuration_IsThatLong(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.TryParse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 minutes")]
    [InlineData("m5")]
    public void TryParse_Nonsense_IsNull(string text)
    {
        Assert.Null(Durations.TryParse(text));
    }
}
