namespace InferenceApi.Core.Inference;

/// <summary>Shapes a classifier's logits into the labels a client reads.</summary>
public static class Classification
{
    /// <summary>Softmax scores by label, highest first, cut to <paramref name="topK"/> (all when null).</summary>
    public static IReadOnlyList<LabelScore> Rank(ReadOnlySpan<float> logits, IReadOnlyList<string> labels, int? topK)
    {
        var scores = Pooling.Softmax(logits);
        var ranked = new LabelScore[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            ranked[i] = new LabelScore(labels[i], scores[i]);
        }

        // Stable: equal scores keep label order, so answers do not flicker between runs.
        var ordered = ranked.OrderByDescending(s => s.Score);
        return (topK is { } k ? ordered.Take(k) : ordered).ToArray();
    }
}
