namespace InferenceApi.LoadGen.Scenarios;

/// <summary>One server-sent event: its `event:` name (null when absent) and its `data:` lines joined by newlines.</summary>
public sealed record SseEvent(string? Event, string Data);
