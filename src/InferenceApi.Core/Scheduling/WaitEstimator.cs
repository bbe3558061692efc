namespace InferenceApi.Core.Scheduling;

/// <summary>
/// The <c>Retry-After</c> a full queue answers with, for both schedulers: how many rounds the requests ahead need
/// (a round serves <c>perRound</c> of them: a batch on every instance, or a full running batch of generations) times
/// the recent duration of a round, in whole seconds between 1 and 60. The duration is a moving average of what the
/// scheduler reports, so the estimate follows the model's real speed. Safe to use from several threads (two updates
/// at the same instant may keep only one of them, which an average can afford).
/// </summary>
public sealed class RetryAfterEstimator(TimeSpan initialRound)
{
    private const double Weight = 0.1;
    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);

    private double _roundSeconds = initialRound.TotalSeconds;

    public TimeSpan AverageRound => TimeSpan.FromSeconds(Volatile.Read(ref _roundSeconds));

    /// <summary>Folds one finished round into the average.</summary>
    public void Record(TimeSpan round)
    {
        var previous = Volatile.Read(ref _roundSeconds);
        Volatile.Write(ref _roundSeconds, (previous * (1 - Weight)) + (round.TotalSeconds * Weight));
    }

    public TimeSpan Estimate(int waiting, int perRound)
    {
        var rounds = Math.Ceiling((double)waiting / Math.Max(1, perRound));
        var seconds = Math.Ceiling(rounds * Volatile.Read(ref _roundSeconds));
        return TimeSpan.FromSeconds(Math.Clamp(seconds, Shortest.TotalSeconds, Longest.TotalSeconds));
    }
}
