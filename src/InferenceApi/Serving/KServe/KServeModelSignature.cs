using InferenceApi.Contracts.KServe;

namespace InferenceApi.Serving.KServe;

/// <summary>What an adapter lets KServe clients send to a model and what it answers, for model metadata.</summary>
public sealed record KServeModelSignature(IReadOnlyList<KServeTensorMetadata> Inputs, IReadOnlyList<KServeTensorMetadata> Outputs);
