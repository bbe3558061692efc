namespace InferenceApi.Core.Tokenization;

/// <summary>A merges.txt line: its rank (line order) and the id of the token the pair becomes.</summary>
internal readonly record struct MergeRule(int Rank, int MergedId);
