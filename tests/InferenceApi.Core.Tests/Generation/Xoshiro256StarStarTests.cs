using InferenceApi.Core.Generation;

namespace InferenceApi.Core.Tests.Generation;

public sealed class Xoshiro256StarStarTests
{
    [Fact]
    public void NextUInt64_StateOneTwoThreeFour_MatchesReferenceOutputs()
    {
        // Reference outputs of Vigna's xoshiro256starstar.c from the state {1, 2, 3, 4}.
        var rng = new Xoshiro256StarStar(1, 2, 3, 4);

        Assert.Equal(11520UL, rng.NextUInt64());
        Assert.Equal(0UL, rng.NextUInt64());
        Assert.Equal(1509978240UL, rng.NextUInt64());
        Assert.Equal(1215971899390074240UL, rng.NextUInt64());
    }

    [Fact]
    public void SplitMix64_SeedZero_MatchesReferenceOutput()
    {
        var state = 0UL;

        Assert.Equal(0xE220A8397B1DCDAFUL, Xoshiro256StarStar.SplitMix64(ref state));
    }

    [Fact]
    public void NextDouble_StaysInUnitInterval()
    {
        var rng = Xoshiro256StarStar.FromSeed(99);
        for (var i = 0; i < 10_000; i++)
        {
            var x = rng.NextDouble();
            Assert.InRange(x, 0.0, Math.BitDecrement(1.0));
        }
    }
}
