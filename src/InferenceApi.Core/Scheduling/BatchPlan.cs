namespace InferenceApi.Core.Scheduling;

/// <summary>
/// The policy's answer for one look at the queue: requests to drop (by index into the pending list),
/// requests to run now as one batch, and otherwise when to look again.
/// </summary>
public sealed record BatchPlan(
    IReadOnlyList<(int Index, DropReason Reason)> Dropped,
    IReadOnlyList<int> Batch,
    DateTimeOffset? WakeAt)
{
    public bool HasBatch => Batch.Count > 0;
}
