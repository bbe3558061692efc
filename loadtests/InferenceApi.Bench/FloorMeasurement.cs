namespace InferenceApi.Bench;

/// <summary>The HTTP floor's p50 at the client and the p50 of the <c>Run</c> inside it, ms.</summary>
internal readonly record struct FloorMeasurement(double P50, double RunP50);
