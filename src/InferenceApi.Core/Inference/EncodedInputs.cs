using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Inference;

/// <summary>Texts turned into token ids, validated against the model's maximum length.</summary>
public sealed record EncodedInputs(IReadOnlyList<TokenizedText> Items)
{
    public int TotalTokens => Items.Sum(i => i.Length);
}
