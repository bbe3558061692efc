namespace InferenceApi.Core.Scheduling;

/// <summary>
/// Decides which waiting requests form the next batch. Pure: no clock, no threads; the scheduler
/// feeds it the pending list and the time, and it is unit-tested on its own.
/// </summary>
/// <remarks>
/// The oldest live request always anchors the batch, so nobody starves. The rest are picked by how
/// close their length is to the anchor's (ties by arrival), which keeps padding low, while the batch
/// stays within both the size limit and the padded-token budget; only requests with the anchor's
/// <see cref="IBatchCandidate.BatchKey"/> join it. A batch runs at once when it is full
/// or when some waiting request could not fit; otherwise it waits for company until the anchor has
/// waited <see cref="BatchLimits.MaxQueueDelay"/>.
/// </remarks>
public sealed class BatchPolicy(BatchLimits limits)
{
    private static readonly IReadOnlyList<int> NoBatch = [];
    private static readonly IReadOnlyList<(int, DropReason)> NoDrops = [];

    public BatchLimits Limits { get; } = limits;

    /// <param name="pending">Waiting requests in arrival order.</param>
    /// <param name="now">The current time.</param>
    /// <param name="flush">Run whatever is waiting without waiting for company (shutdown drain).</param>
    public BatchPlan Plan(IReadOnlyList<IBatchCandidate> pending, DateTimeOffset now, bool flush = false)
    {
        List<(int, DropReason)>? dropped = null;
        List<int>? live = null;
        for (var i = 0; i < pending.Count; i++)
        {
            var item = pending[i];
            if (Admission.Drop(item, now, flush ? null : Limits.MaxQueueTime) is { } r)
            {
                (dropped ??= []).Add((i, r));
            }
            else
            {
                (live ??= []).Add(i);
            }
        }

        if (live is null)
        {
            return new BatchPlan(dropped ?? NoDrops, NoBatch, null);
        }

        var batch = Select(pending, live, out var someoneLeftOut);
        var anchor = pending[live[0]];
        var waitedEnough = now - anchor.EnqueuedAt >= Limits.MaxQueueDelay;
        if (flush || waitedEnough || someoneLeftOut || batch.Count >= Limits.MaxBatchSize)
        {
            return new BatchPlan(dropped ?? NoDrops, batch, null);
        }

        return new BatchPlan(dropped ?? NoDrops, NoBatch, anchor.EnqueuedAt + Limits.MaxQueueDelay);
    }

    private List<int> Select(IReadOnlyList<IBatchCandidate> pending, List<int> live, out bool someoneLeftOut)
    {
        var anchorIndex = live[0];
        var anchorTokens = pending[anchorIndex].Tokens;
        var anchorKey = pending[anchorIndex].BatchKey;
        var batch = new List<int>(Math.Min(live.Count, Limits.MaxBatchSize)) { anchorIndex };
        var longest = anchorTokens;

        // Closest lengths first; a stable sort keeps arrival order among equals.
        var others = live.Skip(1).OrderBy(i => Math.Abs(pending[i].Tokens - anchorTokens)).ToList();
        someoneLeftOut = false;
        foreach (var index in others)
        {
            if (batch.Count >= Limits.MaxBatchSize)
            {
                someoneLeftOut = true;
                break;
            }

            if (pending[index].BatchKey != anchorKey)
            {
                someoneLeftOut = true;
                continue;
            }

            var candidateLongest = Math.Max(longest, pending[index].Tokens);
            if ((long)candidateLongest * (batch.Count + 1) > Limits.MaxBatchTokens)
            {
                someoneLeftOut = true;
                continue;
            }

            batch.Add(index);
            longest = candidateLongest;
        }

        return batch;
    }
}
