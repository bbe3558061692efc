namespace InferenceApi.LoadGen.Timing;

/// <summary>
/// One finished request. Offsets are from the start of the run: <see cref="Intended"/> is when the schedule
/// meant it to leave, <see cref="Started"/> when it did, <see cref="Completed"/> when the answer (or the last
/// streamed event) arrived. <see cref="FirstToken"/> is set for streams.
/// </summary>
public readonly record struct RequestSample(
    TimeSpan Intended,
    TimeSpan Started,
    TimeSpan Completed,
    ServerResponse Response,
    TimeSpan? FirstToken = null)
{
    /// <summary>What the user saw: from the intended send time, so sender or server backlog is not hidden.</summary>
    public TimeSpan Latency => Completed - Intended;

    /// <summary>How late the sender was in putting this request on the wire.</summary>
    public TimeSpan SenderLag => Started - Intended;
}
