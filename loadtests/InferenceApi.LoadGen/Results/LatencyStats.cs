namespace InferenceApi.LoadGen.Results;

/// <summary>Percentiles of one distribution, in milliseconds (HdrHistogram, 3 significant digits).</summary>
public sealed record LatencyStats(long Count, double Mean, double P50, double P90, double P99, double P999, double Max);
