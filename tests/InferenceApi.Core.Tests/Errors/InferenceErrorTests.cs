using System.Text.Json;
using InferenceApi.Core.Errors;

namespace InferenceApi.Core.Tests.Errors;

public sealed class InferenceErrorTests
{
    [Theory]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    [InlineData(double.NaN, "NaN")]
    public void ReceivedAndLimit_NumberJsonCannotCarry_AreKeptAsText(double value, string text)
    {
        var error = InferenceError.Invalid("temperature", "out of range", limit: (float)value, received: value);

        Assert.Equal(text, error.Received);
        Assert.Equal(text, error.Limit);
        Assert.Contains(text, JsonSerializer.Serialize(new { error.Limit, error.Received }));
    }

    [Fact]
    public void Received_FiniteNumber_StaysANumber()
    {
        var error = InferenceError.Invalid("temperature", "out of range", limit: 100f, received: 1e39);

        Assert.Equal(1e39, error.Received);
        Assert.Equal(100f, error.Limit);
    }
}
