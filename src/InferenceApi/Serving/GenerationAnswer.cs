using InferenceApi.Contracts;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;

namespace InferenceApi.Serving;

/// <summary>A whole generation answer: the model version that answered, every choice's outcome in choice order, and the token counts.</summary>
public sealed record GenerationAnswer(ModelVersion Model, IReadOnlyList<GenerationOutcome> Outcomes, GenerationUsage Usage);
