namespace InferenceApi.Core.Models;

/// <summary>One line of the readiness answer: a model version (<see cref="Version"/> set) or the server as a whole.</summary>
/// <param name="Key">A stable name for the entry: <c>model:{name}:{version}</c>, <c>models</c> or <c>server</c>.</param>
public sealed record ReadinessEntry(string Key, ReadinessHealth Health, string Description, VersionSnapshot? Version = null);
