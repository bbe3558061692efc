namespace InferenceApi.Core.Models;

/// <summary>Converts <see cref="ModelTask"/> to and from the names used in <c>inference.json</c> and the API.</summary>
public static class ModelTaskNames
{
    private static readonly Dictionary<string, ModelTask> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["text-classification"] = ModelTask.TextClassification,
        ["sentiment-analysis"] = ModelTask.TextClassification,
        ["feature-extraction"] = ModelTask.FeatureExtraction,
        ["embeddings"] = ModelTask.FeatureExtraction,
        ["text-generation"] = ModelTask.TextGeneration,
        ["image-classification"] = ModelTask.ImageClassification,
        ["tensor"] = ModelTask.Tensor,
    };

    public static string ToName(this ModelTask task) => task switch
    {
        ModelTask.TextClassification => "text-classification",
        ModelTask.FeatureExtraction => "feature-extraction",
        ModelTask.TextGeneration => "text-generation",
        ModelTask.ImageClassification => "image-classification",
        ModelTask.Tensor => "tensor",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, null),
    };

    public static bool TryParse(string? name, out ModelTask task) => ByName.TryGetValue(name ?? string.Empty, out task);

    public static string Known => string.Join(", ", ByName.Keys);
}
