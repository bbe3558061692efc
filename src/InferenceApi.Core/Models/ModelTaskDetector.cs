using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Models;

/// <summary>
/// Works out a model's task when <c>inference.json</c> does not name it, the way optimum exports can be
/// recognised: the architecture in <c>config.json</c> first, then the graph's inputs and outputs.
/// </summary>
public static class ModelTaskDetector
{
    public static ModelTask? Detect(HfModelConfig config, ModelSignature signature)
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

        if (signature.Input("pixel_values") is not null)
        {
            return ModelTask.ImageClassification;
        }

        if (signature.Inputs.Any(i => i.Name.StartsWith("past_key_values", StringComparison.Ordinal)))
        {
            return ModelTask.TextGeneration;
        }

        if (signature.Input("input_ids") is not null)
        {
            if (signature.Output("last_hidden_state") is not null)
            {
                return ModelTask.FeatureExtraction;
            }

            if (signature.Output("logits") is { Rank: 2 })
            {
                return ModelTask.TextClassification;
            }

            if (signature.Output("logits") is { Rank: 3 })
            {
                return ModelTask.TextGeneration;
            }
        }

        return null;
    }
}
