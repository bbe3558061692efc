namespace InferenceApi.Core.Models;

/// <summary>What a model does; the API names are Hugging Face's pipeline task names.</summary>
public enum ModelTask
{
    TextClassification,
    FeatureExtraction,
    TextGeneration,
    ImageClassification,
}
