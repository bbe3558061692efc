using System.Globalization;

namespace InferenceApi.Trainer.Training;

/// <summary>A model's figures on one data set: the mean loss and the task's metrics (accuracy, perplexity…).</summary>
public sealed record Evaluation(int Examples, double Loss, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>A metric by name; "loss" is always there.</summary>
    public double this[string name] =>
        name == "loss" ? Loss
        : Metrics.TryGetValue(name, out var value) ? value
        : throw new KeyNotFoundException($"no metric '{name}'; have loss, {string.Join(", ", Metrics.Keys)}");

    /// <summary>"loss 0.1234 accuracy 0.9721": metrics before the loss, four decimals, invariant culture.</summary>
    public string Describe() =>
        string.Join(' ', Metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:F4}"))
            .Append(string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4}")));
}
