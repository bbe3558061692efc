using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Models;

/// <summary>
/// Works out a model's task when <c>inference.json</c> does not name it, the way optimum exports can be
/// recognised: the architecture in <c>config.json</c> first, then the graph's inputs and outputs. A graph that is none
/// of these is served as raw tensors (<see cref="ModelTask.Tensor"/>), as Triton serves any <c>model.onnx</c>.
/// </summary>
public static class ModelTaskDetector
{
    public static ModelTask Detect(HfModelConfig config, ModelSignature signature)
    {
        foreach (var architecture in config.Architectures)
        {
            if (architecture.EndsWith("ForSequenceClassification", StringComparison.Ordinal))
            {
                return ModelTask.TextClassification;
            }

            if (architecture.EndsWith("ForImageClassification", StringComparison.Ordinal))
            {
                return ModelTask.ImageClassification;
            }

            if (architecture.EndsWith("LMHeadModel", StringComparison.Ordinal) || architecture.EndsWith("ForCausalLM", StringComparison.Ordinal))
            {
                return ModelTask.TextGeneration;
            }
        }

        if (signature.Input(OptimumLayout.PixelValues) is not null)
        {
            return ModelTask.ImageClassification;
        }

        if (signature.Inputs.Any(i => i.Name.StartsWith(OptimumLayout.PastPrefix, StringComparison.Ordinal)))
        {
            return ModelTask.TextGeneration;
        }

        if (signature.Input(OptimumLayout.InputIds) is not null)
        {
            if (signature.Output(OptimumLayout.LastHiddenState) is not null)
            {
                return ModelTask.FeatureExtraction;
            }

            if (signature.Output(OptimumLayout.Logits) is { Rank: 2 })
            {
                return ModelTask.TextClassification;
            }

            if (signature.Output(OptimumLayout.Logits) is { Rank: 3 })
            {
                return ModelTask.TextGeneration;
            }
        }

        return ModelTask.Tensor;
    }
}
