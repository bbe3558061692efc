using System.Globalization;

namespace InferenceApi.LoadGen.Timing;

/// <summary>
/// A sequence of stages. Text form: "50:10s,100:10s,200:10s" holds 50, then 100, then 200 for ten seconds each;
/// "10-200:30s" ramps linearly from 10 to 200 over thirty seconds. Levels are requests per second in open loop and
/// clients in closed loop.
/// </summary>
public sealed class LoadProfile
{
    public LoadProfile(IReadOnlyList<LoadStage> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count == 0)
        {
            throw new ArgumentException("A load profile needs at least one stage.", nameof(stages));
        }

        Stages = stages;
    }

    public IReadOnlyList<LoadStage> Stages { get; }

    public TimeSpan TotalDuration => Stages.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);

    public static LoadProfile Constant(double level, TimeSpan duration) => new([new LoadStage(level, level, duration)]);

    public static LoadProfile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stages = new List<LoadStage>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"Profile stage '{part}' must look like LEVEL:DURATION (50:10s) or FROM-TO:DURATION (10-200:30s).");
            }

            var levels = part[..colon].Split('-');
            var start = ParseLevel(levels[0], part);
            var end = levels.Length == 2 ? ParseLevel(levels[1], part) : start;
            if (levels.Length > 2)
            {
                throw new FormatException($"Profile stage '{part}' has more than one '-'.");
            }

            stages.Add(new LoadStage(start, end, Durations.Parse(part[(colon + 1)..])));
        }

        return new LoadProfile(stages);
    }

    /// <summary>The same profile with a warm-up at the first stage's starting level in front of it.</summary>
    public LoadProfile WithWarmup(TimeSpan warmup)
    {
        if (warmup <= TimeSpan.Zero)
        {
            return this;
        }

        var first = Stages[0].Start;
        return new LoadProfile([new LoadStage(first, first, warmup), .. Stages]);
    }

    public override string ToString() => string.Join(',', Stages);

    private static double ParseLevel(string text, string part)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new FormatException($"Profile stage '{part}': '{text}' is not a non-negative number.");
        }

        return value;
    }
}
