namespace InferenceApi.Trainer.Training;

/// <summary>
/// The metric that picks the best checkpoint and drives early stopping, e.g. accuracy (higher is better) or
/// perplexity (lower is better).
/// </summary>
public sealed record MetricGoal(string Name, bool HigherIsBetter)
{
    public static MetricGoal Accuracy { get; } = new("accuracy", HigherIsBetter: true);

    public static MetricGoal Loss { get; } = new("loss", HigherIsBetter: false);

    /// <summary>True when <paramref name="candidate"/> beats <paramref name="best"/> strictly (ties keep the earlier epoch).</summary>
    public bool IsBetter(double candidate, double? best) =>
        best is not { } b || (HigherIsBetter ? candidate > b : candidate < b);
}
