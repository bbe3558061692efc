namespace InferenceApi.Core.Backends;

/// <summary>
/// What a decoder graph's signature says about its KV cache: <c>past_key_values.{i}.key/value</c>
/// [batch, heads, past, headDim] for each of <see cref="Layers"/> layers, logits over <see cref="VocabularySize"/>.
/// </summary>
public sealed record DecoderShape(int Layers, int Heads, int HeadDim, int VocabularySize, bool HasPast, bool HasPositionIds)
{
    /// <summary>Floats one position adds to one layer's key (or value) cache of one sequence.</summary>
    public int PositionWidth => Heads * HeadDim;
}
