namespace InferenceApi.Core.Scheduling;

/// <summary>Which model version a scheduler serves; used in logs and metric tags.</summary>
public sealed record SchedulerLabel(string Model, long Version);
