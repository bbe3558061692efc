using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Tensors;

/// <summary>
/// One scheduler item of a tensor model: its inputs in graph order, either one row of a request (the model batches
/// along the first dimension) or a whole request (it does not). Items share a batch only when <see cref="Key"/>, their
/// dimensions past the first, agree.
/// </summary>
public sealed record TensorWork(IReadOnlyList<TensorValue> Inputs, string Key);
