using InferenceApi.Hosting;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Tests.Hosting;

public sealed class RequestLogLevelTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(200, 999, false, false, LogLevel.Debug)]
    [InlineData(200, 1000, false, false, LogLevel.Information)]
    [InlineData(400, 0, false, false, LogLevel.Information)]
    [InlineData(415, 0, false, false, LogLevel.Information)]
    [InlineData(429, 0, false, false, LogLevel.Information)]
    [InlineData(499, 0, false, false, LogLevel.Information)]
    [InlineData(503, 0, true, false, LogLevel.Information)]
    [InlineData(503, 0, false, false, LogLevel.Warning)]
    [InlineData(504, 0, false, false, LogLevel.Warning)]
    [InlineData(500, 0, false, false, LogLevel.Warning)]
    [InlineData(500, 0, false, true, LogLevel.Error)]
    public void Of_StatusAndTime_GivesTheLevel(int status, int elapsedMs, bool probe, bool unhandled, LogLevel expected) =>
        Assert.Equal(expected, RequestLogLevel.Of(status, TimeSpan.FromMilliseconds(elapsedMs), Slow, probe, unhandled));
}
