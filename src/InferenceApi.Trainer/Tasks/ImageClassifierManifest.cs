using InferenceApi.Trainer.Models;

namespace InferenceApi.Trainer.Tasks;

/// <summary>trainer.json's "model" for image classification. Preprocessing is <see cref="Data.ImageNormalization"/> at the architecture's image size.</summary>
public sealed record ImageClassifierManifest(VitOptions Architecture, IReadOnlyList<string> Labels);
