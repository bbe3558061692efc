using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;

namespace InferenceApi.Serving;

/// <summary>One step of a streamed <see cref="GenerationBatch"/>: a token of a choice, its end (<see cref="Outcome"/>), or the error that ended it.</summary>
public sealed record GenerationEvent(int Choice, GeneratedToken? Token, GenerationOutcome? Outcome, InferenceError? Error);
