namespace InferenceApi.Access;

/// <summary>
/// What taking units from a quota counter found: whether they were taken, how many the window has used with them (or,
/// refused, without them), which window (its number since the epoch, to give units back to the same one), the time
/// until it ends, and whether the count is the replicas' shared one in Redis or this replica's own.
/// </summary>
public readonly record struct QuotaWindow(bool Taken, long Used, long Window, TimeSpan Reset, bool Shared);
