namespace InferenceApi.Contracts;

/// <summary>One text per list of ids.</summary>
public sealed record DetokenizeResponse(string Model, long Version, IReadOnlyList<string> Texts);
