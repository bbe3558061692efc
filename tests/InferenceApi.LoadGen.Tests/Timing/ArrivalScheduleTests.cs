using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen.Tests.Timing;

public class ArrivalScheduleTests
{
    [Fact]
    public void SendTimes_ConstantRate_EvenlySpacedWithinDuration()
    {
        var times = ArrivalSchedule.SendTimes(LoadProfile.Constant(50, TimeSpan.FromSeconds(2))).ToList();

        Assert.Equal(100, times.Count);
        Assert.Equal(TimeSpan.Zero, times[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(20), times[1]);
        Assert.True(times[^1] < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void SendTimes_StepProfile_EachStageAtItsRate()
    {
        var times = ArrivalSchedule.SendTimes(LoadProfile.Parse("50:1s,100:1s")).ToList();

        Assert.Equal(50, times.Count(t => t < TimeSpan.FromSeconds(1)));
        Assert.Equal(100, times.Count(t => t >= TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void SendTimes_Ramp_GetsDenserAndSendsTheAverageRate()
    {
        var times = ArrivalSchedule.SendTimes(LoadProfile.Parse("0-100:2s")).ToList();

        Assert.InRange(times.Count, 99, 100);
        Assert.True(times.Zip(times.Skip(1)).All(p => p.Second > p.First));
        Assert.True(times.Count(t => t >= TimeSpan.FromSeconds(1)) > 2 * times.Count(t => t < TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Parse_StepsAndRamp_RoundTrips()
    {
        var profile = LoadProfile.Parse("50:10s, 10-200:1m");

        Assert.Equal(2, profile.Stages.Count);
        Assert.Equal(new LoadStage(10, 200, TimeSpan.FromMinutes(1)), profile.Stages[1]);
        Assert.Equal(TimeSpan.FromSeconds(70), profile.TotalDuration);
        Assert.Equal("50:10s,10-200:60s", profile.ToString());
    }

    [Theory]
    [InlineData("50")]
    [InlineData("x:10s")]
    [InlineData("50:ten")]
    [InlineData("1-2-3:1s")]
    public void Parse_Malformed_Throws(string text) => Assert.Throws<FormatException>(() => LoadProfile.Parse(text));

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5", 1_500)]
    public void Durations_Parse_Units(string text, double ms) => Assert.Equal(TimeSpan.FromMilliseconds(ms), Durations.Parse(text));

    [Fact]
    public void WithWarmup_PrependsFirstLevel()
    {
        var profile = LoadProfile.Parse("20:1s").WithWarmup(TimeSpan.FromSeconds(2));

        Assert.Equal(new LoadStage(20, 20, TimeSpan.FromSeconds(2)), profile.Stages[0]);
        Assert.Equal(TimeSpan.FromSeconds(3), profile.TotalDuration);
    }
}
