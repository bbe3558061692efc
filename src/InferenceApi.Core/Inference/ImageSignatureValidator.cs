using InferenceApi.Core.Backends;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Inference;

/// <summary>Checks a ViT-style graph: <c>pixel_values</c> float32 [batch, 3, H, W] in, <c>logits</c> float32 [batch, labels] out.</summary>
public static class ImageSignatureValidator
{
    /// <summary>Throws <see cref="ModelFolderException"/> listing every problem; checks fixed sizes against the preprocessor's output.</summary>
    public static void Validate(ModelSignature signature, int labelCount, int height, int width)
    {
        var problems = new List<string>();
        var pixels = signature.Input(OptimumLayout.PixelValues);
        if (pixels is null)
        {
            problems.Add($"an image-classification model must have input '{OptimumLayout.PixelValues}' (float32 [batch, 3, height, width]); this one has {string.Join(", ", signature.Inputs)}");
        }
        else if (pixels.Element != TensorElement.Float32 || pixels.Rank != 4)
        {
            problems.Add($"input '{OptimumLayout.PixelValues}' must be float32 [batch, 3, height, width]; it is {pixels}");
        }
        else
        {
            if (pixels.Shape[1] > 0 && pixels.Shape[1] != 3)
            {
                problems.Add($"input '{OptimumLayout.PixelValues}' must have 3 channels; it has {pixels.Shape[1]}");
            }

            if ((pixels.Shape[2] > 0 && pixels.Shape[2] != height) || (pixels.Shape[3] > 0 && pixels.Shape[3] != width))
            {
                problems.Add($"preprocessor_config.json produces {height}×{width} images but input '{OptimumLayout.PixelValues}' is {pixels}");
            }
        }

        foreach (var extra in signature.Inputs.Where(i => i.Name != OptimumLayout.PixelValues))
        {
            problems.Add($"unexpected input '{extra.Name}': an image classifier is fed only {OptimumLayout.PixelValues}");
        }

        var logits = signature.Output(OptimumLayout.Logits);
        if (logits is null)
        {
            problems.Add($"an image-classification model must have output '{OptimumLayout.Logits}'; this one has {string.Join(", ", signature.Outputs)}");
        }
        else if (logits.Element != TensorElement.Float32 || logits.Rank != 2)
        {
            problems.Add($"output '{OptimumLayout.Logits}' must be float32 [batch, labels]; it is {logits}");
        }
        else if (logits.Shape[1] > 0 && labelCount > 0 && logits.Shape[1] != labelCount)
        {
            problems.Add($"config.json id2label has {labelCount} labels but output '{OptimumLayout.Logits}' has width {logits.Shape[1]}");
        }

        if (problems.Count > 0)
        {
            throw new ModelFolderException(string.Join("; ", problems));
        }
    }
}
