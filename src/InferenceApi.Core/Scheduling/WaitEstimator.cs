namespace InferenceApi.Core.Scheduling;

/// <summary>
/// How long a newcomer would wait in a queue, from its depth and the queue's measured service rate, for both
/// schedulers: admission by expected wait (<see cref="Admission.WaitTooLong"/>) and the <c>Retry-After</c> of every
/// refusal. Two moving averages follow the model's real speed: the time one lane takes per request it serves (a batch's
/// compute over its size on one instance; a generation's whole duration on one seat of the running batch), which under
/// load, when batches are full, is the amortised cost; and the time one round takes whatever it served. Generation seats
/// free one by one, so a queue there is priced per request (<see cref="ExpectedWait"/>); batches take many waiting
/// requests at once, so a batch queue is priced in rounds (<see cref="ExpectedWaitInBatches"/>). Each round moves the
/// averages half the way to it, slower or faster: the estimate follows the machine's speed as it is now. (It used to
/// fall a tenth of the way only, to price at the slow end of the recent rounds; on a quiet machine that refused requests at
/// 70 % of capacity whose real wait stayed under 850 ms. An estimate that comes out short no longer lets a request wait
/// long: one still waiting at the max queue time leaves with 429, <see cref="DropReason.QueueTimeExceeded"/>.)
/// Safe to use from several threads (two updates at the same instant may keep only one of them, which an average can afford).
/// </summary>
/// <param name="initialPerRequest">The guess before anything ran: optimistic (a full batch's share), so a fresh server refuses nobody it could serve.</param>
/// <param name="initialRound">The guess for one round's whole duration (a batch's, for <see cref="ExpectedWaitInBatches"/>).</param>
public sealed class WaitEstimator(TimeSpan initialPerRequest, TimeSpan initialRound)
{
    private const double Weight = 0.5;
    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);

    private double _perRequestSeconds = initialPerRequest.TotalSeconds;
    private double _roundSeconds = initialRound.TotalSeconds;

    /// <summary>An estimator whose rounds serve one request each (a generation's seat).</summary>
    public WaitEstimator(TimeSpan initialPerRequest)
        : this(initialPerRequest, initialPerRequest)
    {
    }

    /// <summary>The time one lane spends per request served, on the moving average.</summary>
    public TimeSpan AveragePerRequest => TimeSpan.FromSeconds(Volatile.Read(ref _perRequestSeconds));

    /// <summary>The time one round takes on one lane, whatever it served, on the moving average.</summary>
    public TimeSpan AverageRound => TimeSpan.FromSeconds(Volatile.Read(ref _roundSeconds));

    /// <summary>Folds one finished round into the averages: <paramref name="served"/> requests took <paramref name="elapsed"/> on one lane.</summary>
    public void Record(TimeSpan elapsed, int served = 1)
    {
        Fold(ref _perRequestSeconds, elapsed.TotalSeconds / Math.Max(1, served));
        Fold(ref _roundSeconds, elapsed.TotalSeconds);
    }

    /// <summary>How long until <paramref name="ahead"/> requests have been served by <paramref name="lanes"/> lanes working side by side.</summary>
    public TimeSpan ExpectedWait(int ahead, int lanes) =>
        ahead <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(ahead * Volatile.Read(ref _perRequestSeconds) / Math.Max(1, lanes));

    /// <summary>
    /// How long a newcomer waits behind <paramref name="ahead"/> requests that lanes take up to
    /// <paramref name="batchSize"/> at a time: the round running now, then one full round for every whole batch ahead
    /// (the rest leave with the newcomer's own batch). Pricing each waiting request at the time per request of the
    /// recent rounds instead would refuse at moderate load: those rounds were small, so their share per request is
    /// several times a full batch's, and one slow small round on a shared machine would refuse a whole short queue.
    /// A full round is priced at the larger of a batch's worth of that share and the rounds seen: still high after small
    /// rounds, which errs towards refusing once a whole batch is waiting, where admitting late would answer late.
    /// </summary>
    public TimeSpan ExpectedWaitInBatches(int ahead, int batchSize, int lanes)
    {
        if (ahead <= 0)
        {
            return TimeSpan.Zero;
        }

        var fullRounds = ahead / Math.Max(1, batchSize);
        var round = Volatile.Read(ref _roundSeconds);
        var fullRound = Math.Max(batchSize * Volatile.Read(ref _perRequestSeconds), round);
        return TimeSpan.FromSeconds((round + (fullRounds * fullRound)) / Math.Max(1, lanes));
    }

    private static void Fold(ref double average, double sample)
    {
        var previous = Volatile.Read(ref average);
        Volatile.Write(ref average, (previous * (1 - Weight)) + (sample * Weight));
    }

    /// <summary>A wait as a <c>Retry-After</c>: whole seconds, rounded up, between 1 and 60.</summary>
    public static TimeSpan RetryAfter(TimeSpan wait) =>
        TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(wait.TotalSeconds), Shortest.TotalSeconds, Longest.TotalSeconds));
}
