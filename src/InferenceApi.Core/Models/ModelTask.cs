namespace InferenceApi.Core.Models;

/// <summary>What a model does; the API names are Hugging Face's pipeline task names, and <c>tensor</c> for any graph served as raw tensors.</summary>
public enum ModelTask
{
    TextClassification,
    FeatureExtraction,
    TextGeneration,
    ImageClassification,

    /// <summary>Any graph ONNX Runtime loads, fed and answered as raw tensors over KServe v2 (Triton's core use).</summary>
    Tensor,
}
