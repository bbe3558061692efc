namespace InferenceApi.Contracts.KServe;

/// <summary>One input or output in model metadata.</summary>
/// <param name="Name">The tensor's name, as requests and responses use it.</param>
/// <param name="Datatype">Open Inference Protocol datatype: <c>INT64</c>, <c>FP32</c>, <c>BYTES</c>, …</param>
/// <param name="Shape">Dimensions, -1 where the size varies (the batch, the sequence).</param>
public sealed record KServeTensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);
