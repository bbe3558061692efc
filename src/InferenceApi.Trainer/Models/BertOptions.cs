namespace InferenceApi.Trainer.Models;

/// <summary>Sizes of the tiny BERT classifier; the vocabulary size comes from the WordPiece <c>vocab.txt</c>.</summary>
public sealed record BertOptions
{
    public required int VocabularySize { get; init; }

    public int MaxPositions { get; init; } = 64;

    public int HiddenSize { get; init; } = 64;

    public int Layers { get; init; } = 2;

    public int Heads { get; init; } = 4;

    public int IntermediateSize { get; init; } = 256;

    public int Labels { get; init; } = 2;

    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary>Dropout on the embeddings and the pooled vector.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Dropout inside each encoder block: attention weights and both residual branches (0 in checkpoints written before it existed).</summary>
    public double BlockDropout { get; init; }

    /// <summary>
    /// Width in tokens of a 1-D convolution over the embeddings before the first block (odd; 0 for none), added back
    /// through a GELU, so each position enters attention already knowing its neighbours' words, as n-gram features
    /// do; from scratch on little data that bias helps. Padding is zeroed first, so it never leaks into real tokens.
    /// </summary>
    public int ConvolutionWidth { get; init; }

    /// <summary>What the head reads: the [CLS] position, or the mean of the real tokens (padding masked out).</summary>
    public BertPooling Pooling { get; init; } = BertPooling.Cls;

    /// <summary>The additive attention bias of a padding position: large, finite, so an all-padding row cannot give NaN.</summary>
    public const float MaskBias = -10000f;
}

/// <summary>How the classifier head summarises the sequence.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<BertPooling>))]
public enum BertPooling
{
    Cls,
    Mean,
}
