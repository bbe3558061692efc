using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Tensors;

/// <summary>An input as a client sent it, before <see cref="TensorRuntime.Validate"/>: its name, its place in the request for messages (<c>inputs[1]</c>), and its elements.</summary>
public sealed record TensorInput(string Name, string Field, TensorValue Value);
