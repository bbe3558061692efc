using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Checkpoints;

/// <summary>
/// Fine-tuning onto a different label set: every parameter whose name and shape match is copied from the
/// checkpoint's model; the rest, and the tensors asked to stay fresh (a classifier head whose outputs now mean
/// other labels), keep their new initialisation.
/// </summary>
public static partial class WeightTransfer
{
    /// <summary>Copies matching tensors from <paramref name="source"/> into <paramref name="target"/>; returns the (readable) names left as they were.</summary>
    public static IReadOnlyList<string> CopyMatching(nn.Module source, nn.Module target, IReadOnlyCollection<Tensor> keepFresh)
    {
        using var noGrad = no_grad();
        var from = source.state_dict();
        var skipped = new List<string>();
        foreach (var (name, tensor) in target.state_dict())
        {
            if (!keepFresh.Any(t => t.Handle == tensor.Handle) && from.TryGetValue(name, out var value) && value.shape.SequenceEqual(tensor.shape))
            {
                tensor.copy_(value);
            }
            else
            {
                skipped.Add(Readable(name));
            }
        }

        return skipped;
    }

    /// <summary>TorchSharp names registered auto-properties by their backing fields: "&lt;Classifier&gt;k__BackingField.weight" reads as "Classifier.weight".</summary>
    public static string Readable(string name) => BackingField().Replace(name, "$1");

    [GeneratedRegex(@"<(\w+)>k__BackingField")]
    private static partial Regex BackingField();
}
