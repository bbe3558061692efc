namespace InferenceApi.Core.Generation;

/// <summary>One generated token as streamed: its index, id, the text it released (may be empty while a character or a possible stop sequence is incomplete), and its log-probability.</summary>
public sealed record GeneratedToken(int Index, int Id, string Text, float Logprob);
