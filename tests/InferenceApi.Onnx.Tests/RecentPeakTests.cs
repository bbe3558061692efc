namespace InferenceApi.Onnx.Tests;

/// <summary>What buffers keep: the largest size of the current window of runs and the one before, never less.</summary>
public sealed class RecentPeakTests
{
    [Fact]
    public void Value_LargeRunThenSmallOnes_HoldsForOneToTwoWindowsThenFalls()
    {
        var peak = new RecentPeak(window: 4);
        peak.Observe(100);
        for (var i = 0; i < 3; i++)
        {
            peak.Observe(5);
        }

        // The window holding 100 has just closed: it is the previous one now.
        Assert.Equal(100, peak.Value);
        for (var i = 0; i < 3; i++)
        {
            peak.Observe(5);
            Assert.Equal(100, peak.Value);
        }

        peak.Observe(5);
        Assert.Equal(5, peak.Value);
    }

    [Fact]
    public void Value_Fresh_IsZeroAndFollowsTheLargest()
    {
        var peak = new RecentPeak(window: 256);
        Assert.Equal(0, peak.Value);

        peak.Observe(7);
        peak.Observe(3);

        Assert.Equal(7, peak.Value);
    }
}
