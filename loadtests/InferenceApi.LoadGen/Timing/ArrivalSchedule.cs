namespace InferenceApi.LoadGen.Timing;

/// <summary>
/// The open-loop send times: when each request is meant to leave, whatever the server does. Latency is measured
/// from these instants, so a slow server (or a sender that falls behind) shows up as latency instead of silently
/// lowering the offered load (coordinated omission).
/// </summary>
public static class ArrivalSchedule
{
    /// <summary>Evenly spaced send offsets from the start of the run, stage after stage.</summary>
    public static IEnumerable<TimeSpan> SendTimes(LoadProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var stageStart = 0.0;
        foreach (var stage in profile.Stages)
        {
            var seconds = stage.Duration.TotalSeconds;
            // Request k of a stage leaves when the stage's cumulative arrivals reach k: N(t) = a t + (b - a) t² / 2T.
            var a = stage.Start;
            var b = stage.End;
            var total = (a + b) / 2 * seconds;
            for (var k = 0L; k < total; k++)
            {
                double t;
                if (a == b)
                {
                    t = k / a;
                }
                else
                {
                    var slope = (b - a) / seconds;
                    // Solve slope/2 t² + a t - k = 0 for the positive root.
                    t = (-a + Math.Sqrt((a * a) + (2 * slope * k))) / slope;
                }

                if (t >= seconds)
                {
                    break;
                }

                yield return TimeSpan.FromSeconds(stageStart + t);
            }

            stageStart += seconds;
        }
    }
}
