using TorchSharp;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Checkpoints;

/// <summary>
/// Fine-tuning onto a different label set: every parameter whose name and shape match is copied from the
/// checkpoint's model; the rest (the classifier head) keep their fresh initialisation.
/// </summary>
public static class WeightTransfer
{
    /// <summary>Copies matching tensors from <paramref name="source"/> into <paramref name="target"/>; returns the names left as they were.</summary>
    /// <param name="keepFresh">Names to leave freshly initialised even when they match (a head whose labels changed meaning).</param>
    public static IReadOnlyList<string> CopyMatching(nn.Module source, nn.Module target, Func<string, bool>? keepFresh = null)
    {
        using var noGrad = no_grad();
        var from = source.state_dict();
        var skipped = new List<string>();
        foreach (var (name, tensor) in target.state_dict())
        {
            if (keepFresh?.Invoke(name) != true && from.TryGetValue(name, out var value) && value.shape.SequenceEqual(tensor.shape))
            {
                tensor.copy_(value);
            }
            else
            {
                skipped.Add(name);
            }
        }

        return skipped;
    }
}
