namespace InferenceApi.Core.Tokenization;

/// <summary>
/// One token as the tokenize endpoint shows it: id, text, whether it is special, and its character span in the
/// original input (UTF-16 indices, start inclusive, stop exclusive). The special tokens the tokenizer adds around
/// the text ([CLS], [SEP]) have 0/0; a special token written in the text keeps its span.
/// </summary>
public sealed record TokenDetail(int Id, string Text, bool Special, int Start, int Stop);
