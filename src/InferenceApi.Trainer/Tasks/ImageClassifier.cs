using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tasks;

/// <summary>A <see cref="TinyVit"/> and the names of its outputs.</summary>
public sealed class ImageClassifier(TinyVit model, LabelSet labels) : ITaskModel
{
    public TinyVit Model { get; } = model;

    public LabelSet Labels { get; } = labels;

    public nn.Module Module => Model;

    public void Dispose() => Model.Dispose();
}
