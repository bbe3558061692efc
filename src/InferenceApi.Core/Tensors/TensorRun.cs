using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Tensors;

/// <summary>
/// What a tensor request got back: every graph output in graph order, whole (its rows joined again), with the longest
/// queue and compute time among its rows and the largest batch one of them ran in.
/// </summary>
public sealed record TensorRun(IReadOnlyList<TensorValue> Outputs, TimeSpan QueueTime, TimeSpan ComputeTime, int LargestBatch);
