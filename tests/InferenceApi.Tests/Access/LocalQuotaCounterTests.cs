using InferenceApi.Access;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Tests.Access;

public sealed class LocalQuotaCounterTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    // 30 s into a minute, so windows are plain to read.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 12, 0, 30, TimeSpan.Zero));

    [Fact]
    public void Take_UpToTheLimit_ThenRefusesWithTheTimeToTheWindowsEnd()
    {
        var counter = new LocalQuotaCounter(_clock);

        var taken = Enumerable.Range(0, 3).Select(_ => counter.Take("k", 1, 3, Minute)).ToList();
        var refused = counter.Take("k", 1, 3, Minute);

        Assert.All(taken, t => Assert.True(t.Taken));
        Assert.Equal([1L, 2, 3], taken.Select(t => t.Used));
        Assert.False(refused.Taken);
        Assert.Equal(3, refused.Used);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Reset);
        Assert.False(refused.Shared);
    }

    [Fact]
    public void Take_MoreThanIsLeft_TakesNothing()
    {
        var counter = new LocalQuotaCounter(_clock);
        counter.Take("k", 70, 100, Minute);

        Assert.False(counter.Take("k", 31, 100, Minute).Taken);
        Assert.True(counter.Take("k", 30, 100, Minute).Taken);
    }

    [Fact]
    public void Take_NextWindow_StartsFromZero()
    {
        var counter = new LocalQuotaCounter(_clock);
        counter.Take("k", 3, 3, Minute);

        _clock.Advance(TimeSpan.FromSeconds(30));
        var next = counter.Take("k", 3, 3, Minute);

        Assert.True(next.Taken);
        Assert.Equal(Minute, next.Reset);
    }

    [Fact]
    public void Return_SameWindow_GivesUnitsBackButNotAfterItEnded()
    {
        var counter = new LocalQuotaCounter(_clock);
        var reserved = counter.Take("k", 80, 100, Minute);

        counter.Return("k", reserved.Window, 60);
        Assert.Equal(100, counter.Take("k", 80, 100, Minute).Used);

        _clock.Advance(Minute);
        counter.Take("k", 90, 100, Minute);
        counter.Return("k", reserved.Window, 50);
        Assert.False(counter.Take("k", 20, 100, Minute).Taken);
    }

    [Fact]
    public void Take_SeparateCounters_DoNotShareUnits()
    {
        var counter = new LocalQuotaCounter(_clock);
        counter.Take("a:requests", 1, 1, Minute);

        Assert.True(counter.Take("b:requests", 1, 1, Minute).Taken);
        Assert.True(counter.Take("a:tokens", 1, 1, Minute).Taken);
    }
}
