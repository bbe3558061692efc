using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>
/// An in-memory copy of a module's parameters and buffers, so the best epoch can be restored after later epochs
/// got worse without writing a file per epoch.
/// </summary>
public sealed class WeightsSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;

    private WeightsSnapshot(Dictionary<string, Tensor> tensors) => this.tensors = tensors;

    public static WeightsSnapshot Take(nn.Module module)
    {
        using var noGrad = no_grad();
        var copies = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in module.state_dict())
        {
            var copy = tensor.detach().clone();
            copy.DetachFromDisposeScope();
            copies[name] = copy;
        }

        return new WeightsSnapshot(copies);
    }

    /// <summary>Copies the snapshot back into <paramref name="module"/> in place (the optimizer keeps its references).</summary>
    public void Restore(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in module.state_dict())
        {
            tensor.copy_(tensors[name]);
        }
    }

    public void Dispose()
    {
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }

        tensors.Clear();
    }
}
