namespace InferenceApi.Trainer.Models;

/// <summary>
/// Sizes of the tiny Llama-style decoder (<see cref="TinyLlama"/>); the vocabulary size comes from the byte-level
/// BPE it is trained with. Names follow transformers' <c>LlamaConfig</c>.
/// </summary>
public sealed record LlamaOptions
{
    public required int VocabularySize { get; init; }

    /// <summary>Context length (<c>max_position_embeddings</c>); rotary positions need no table, so this only bounds training windows and serving.</summary>
    public int MaxPositions { get; init; } = 256;

    public int HiddenSize { get; init; } = 192;

    public int Layers { get; init; } = 4;

    /// <summary>Query heads (<c>num_attention_heads</c>).</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Key/value heads (<c>num_key_value_heads</c>); each serves <see cref="Heads"/> / this many query heads.</summary>
    public int KeyValueHeads { get; init; } = 2;

    /// <summary>SwiGLU width: the gate and up projections' output size.</summary>
    public int IntermediateSize { get; init; } = 512;

    public double RmsNormEps { get; init; } = 1e-5;

    public double RopeTheta { get; init; } = 10000;

    /// <summary>Dropout on attention weights and residual branches while training (transformers' Llama has only <c>attention_dropout</c>; a model trained from scratch on a few novels needs more).</summary>
    public double Dropout { get; init; } = 0.1;

    public int HeadSize => HiddenSize / Heads;
}
