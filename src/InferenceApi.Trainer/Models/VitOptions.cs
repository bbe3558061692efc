using System.Text.Json.Serialization;

namespace InferenceApi.Trainer.Models;

/// <summary>Sizes of the tiny ViT. The defaults fit the 8×8 digits: 2×2 patches, so 16 patches and a CLS token.</summary>
public sealed record VitOptions
{
    public int ImageSize { get; init; } = 8;

    public int PatchSize { get; init; } = 2;

    public int HiddenSize { get; init; } = 32;

    public int Layers { get; init; } = 2;

    public int Heads { get; init; } = 4;

    public int IntermediateSize { get; init; } = 64;

    public int Labels { get; init; } = 10;

    public double LayerNormEps { get; init; } = 1e-6;

    /// <summary>
    /// The graph first turns each image into light ink on a dark ground at full contrast (<see cref="InkNormalization"/>),
    /// so dark-on-light drawings, grey pencil and faint scans read like the training data. False in checkpoints written before it existed.
    /// </summary>
    public bool NormalizeInk { get; init; }

    /// <summary>After <see cref="NormalizeInk"/>, the drawing's ink box is fitted to the frame (<see cref="InkBox"/>). False in older checkpoints.</summary>
    public bool FitInk { get; init; }

    [JsonIgnore]
    public int PatchesPerSide => ImageSize / PatchSize;

    [JsonIgnore]
    public int Patches => PatchesPerSide * PatchesPerSide;

    [JsonIgnore]
    public int HeadSize => HiddenSize / Heads;
}
