namespace InferenceApi.Trainer.Data;

/// <summary>How a task describes the data it read: the path, its layout and, for classifiers, the label names.</summary>
public sealed record DataSource(string Path, string Format, int Examples, IReadOnlyList<string>? Labels = null);
