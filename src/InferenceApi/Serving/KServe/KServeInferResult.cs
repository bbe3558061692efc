using InferenceApi.Core.Models;

namespace InferenceApi.Serving.KServe;

/// <summary>An answered infer request, before a transport writes it: the version that answered, the request's id, and the outputs asked for (all when none were named), in the model's order.</summary>
public sealed record KServeInferResult(ModelVersion Model, string? Id, IReadOnlyList<KServeOutput> Outputs);
