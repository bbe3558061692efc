using InferenceApi.Core.Models;

namespace InferenceApi.Serving;

/// <summary>What an image request got back: the model version that answered and one row of logits per image.</summary>
public sealed record ImageRun(ModelVersion Model, ModelDescription Description, IReadOnlyList<float[]> Outputs);
