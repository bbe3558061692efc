namespace InferenceApi.Core.Tokenization;

/// <summary>
/// A token matched whole in the text before the model sees it (tokenizer.json's <c>added_tokens</c>, a SentencePiece
/// control token): never split. <see cref="Special"/> ones are dropped by decoding with skipSpecialTokens;
/// <see cref="LeftStrip"/>/<see cref="RightStrip"/> swallow the white space beside a match; <see cref="Normalized"/>
/// ones are matched in the normalized text rather than the raw one.
/// </summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool SingleWord = false, bool LeftStrip = false, bool RightStrip = false, bool Normalized = false);
