
namespace InferenceApi.Core.Tests.Tokenization;

/// <summary>
/// Every fixture tokenizer (tokenizer.json: Llama-3, Qwen3, Mistral, Gemma-3, GPT-2 style; tokenizer.model: Llama-2)
/// against the reference ids of 63 texts (CJK, emoji, code, runs of spaces and newlines, special tokens).
/// </summary>
public sealed class TokenizerParityTests
{
    public static TheoryData<string, int> Cases => TokenizerReferences.All(decodedOnly: false);

    /// <summary>SentencePiece's runtime records no decoding for the texts with special tokens in them.</summary>
    public static TheoryData<string, int> DecodedCases => TokenizerReferences.All(decodedOnly: true);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_ReferenceText_GivesTheReferenceIds(string tokenizer, int index)
    {
        ReferenceCase reference = TokenizerReferences.For(tokenizer)[index];

        int[] ids = TokenizerReferences.Tokenizer(tokenizer).Encode(reference.Text, 100_000, truncate: false).Ids;

        Assert.Equal(reference.Ids, ids);
    }

    [Theory]
    [MemberData(nameof(DecodedCases))]
    public void Decode_ReferenceIds_GivesTheReferenceText(string tokenizer, int index)
    {
        ReferenceCase reference = TokenizerReferences.For(tokenizer)[index];

        string text = TokenizerReferences.Tokenizer(tokenizer).Decode(reference.Ids, skipSpecialTokens: true);

        Assert.Equal(reference.Decoded, text);
    }
}
