namespace InferenceApi.Trainer.Models;

/// <summary>Sizes of the tiny GPT; the vocabulary size comes from the byte-level BPE it is trained with.</summary>
public sealed record GptOptions
{
    public required int VocabularySize { get; init; }

    /// <summary>Context length (GPT-2's <c>n_positions</c>): training blocks and the server's prompt + generation limit.</summary>
    public int MaxPositions { get; init; } = 256;

    public int HiddenSize { get; init; } = 192;

    public int Layers { get; init; } = 4;

    public int Heads { get; init; } = 4;

    public int IntermediateSize { get; init; } = 768;

    public double LayerNormEps { get; init; } = 1e-5;

    public double Dropout { get; init; } = 0.1;

    /// <summary>The additive attention bias of a masked (future or padding) key: large and finite, so a row with every key masked cannot give NaN.</summary>
    public const float MaskBias = -10000f;
}
