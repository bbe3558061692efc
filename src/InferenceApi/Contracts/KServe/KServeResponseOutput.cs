namespace InferenceApi.Contracts.KServe;

/// <summary>One output tensor of an infer response.</summary>
/// <param name="Name">The output's name from the model metadata.</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Datatype">Open Inference Protocol datatype.</param>
/// <param name="Data">The elements as a flat row-major array (<c>float[]</c> for FP32, <c>long[]</c> for INT64, <c>string[]</c> for BYTES).</param>
public sealed record KServeResponseOutput(string Name, IReadOnlyList<long> Shape, string Datatype, object Data);
