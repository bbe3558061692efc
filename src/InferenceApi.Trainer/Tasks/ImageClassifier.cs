using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tasks;

/// <summary>A <see cref="TinyVit"/>, the names of its outputs, how its training batches are varied and its learning rate moves (none when loaded for eval or export).</summary>
public sealed class ImageClassifier(TinyVit model, LabelSet labels) : ITaskModel
{
    public TinyVit Model { get; } = model;

    public LabelSet Labels { get; } = labels;

    public ImageAugmentation Augmentation { get; init; } = new();

    /// <summary>The learning rate of each training step (none when loaded for eval or export: the trainer's --lr throughout).</summary>
    public LearningRateSchedule? Schedule { get; init; }

    public nn.Module Module => Model;

    public void Dispose() => Model.Dispose();
}
