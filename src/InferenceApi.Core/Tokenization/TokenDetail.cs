namespace InferenceApi.Core.Tokenization;

/// <summary>One token as the tokenize endpoint shows it: id, text, whether it is special, and its character span in the input (start inclusive, stop exclusive; 0/0 for special tokens).</summary>
public sealed record TokenDetail(int Id, string Text, bool Special, int Start, int Stop);
