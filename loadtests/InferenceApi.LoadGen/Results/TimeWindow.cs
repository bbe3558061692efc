namespace InferenceApi.LoadGen.Results;

/// <summary>
/// One second of the measured run, by completion time: how many requests finished (= throughput for that second),
/// how many of them failed, and their latency percentiles in milliseconds.
/// </summary>
public sealed record TimeWindow(int Second, long Requests, long Errors, double P50, double P90, double P99, double Max);
