namespace InferenceApi.Core.Scheduling;

/// <summary>A result with where its time went: waiting in the queue, and running in its batch.</summary>
public readonly record struct Timed<T>(T Value, TimeSpan QueueTime, TimeSpan ComputeTime, int BatchSize);
