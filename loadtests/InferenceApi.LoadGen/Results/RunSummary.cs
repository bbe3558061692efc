namespace InferenceApi.LoadGen.Results;

/// <summary>
/// The measured part of a run (warm-up excluded). <see cref="Throughput"/> is completed requests per second;
/// <see cref="OfferedRate"/> the scheduled send rate (open loop), so a gap between them is the server falling behind.
/// </summary>
public sealed record RunSummary(
    long Requests,
    long Successes,
    long Errors,
    double ErrorRate,
    double DurationSeconds,
    double Throughput,
    double OfferedRate,
    LatencyStats LatencyMs,
    LatencyStats ServiceTimeMs,
    LatencyStats SenderLagMs,
    LatencyStats? ServerQueueMs,
    LatencyStats? ServerInferenceMs,
    StreamStats? Stream);
