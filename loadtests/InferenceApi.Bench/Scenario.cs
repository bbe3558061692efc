namespace InferenceApi.Bench;

/// <summary>One endpoint under test: which model folder the server gets, and how to build request i.</summary>
internal sealed record Scenario(string Name, string ModelFolder, string Path, int Clients, Func<string, int, HttpContent> Request);
