using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tasks;

/// <summary>
/// A task's model with what it needs beside its weights (label names, tokenizer…). The shared code only needs the
/// module: for the optimizer, the best-epoch snapshot and <c>model.bin</c>.
/// </summary>
public interface ITaskModel : IDisposable
{
    nn.Module Module { get; }
}
