using System.Globalization;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// A smaller WordPiece vocabulary derived from training data: the tokens its tokenization uses, the special tokens
/// ([CLS], [PAD]… but not [unusedN]), and every single character, bare and ##-continued, so a word the data never
/// had still splits into pieces instead of becoming [UNK]. Tokenizing the training texts again with the result
/// gives the same tokens: greedy longest-match picks the same piece at every step, because each piece it picked is
/// kept and no longer one is added. The rest are rows a model would never train, only carry as initial noise.
/// </summary>
public static class WordPieceVocabularyPruner
{
    /// <param name="vocabulary">The tokens in id order.</param>
    /// <param name="tokenized">The training data as token ids of <paramref name="vocabulary"/>.</param>
    /// <returns>The kept tokens, in their original order.</returns>
    public static IReadOnlyList<string> Prune(IReadOnlyList<string> vocabulary, IEnumerable<int[]> tokenized)
    {
        var used = new bool[vocabulary.Count];
        foreach (var ids in tokenized)
        {
            foreach (var id in ids)
            {
                used[id] = true;
            }
        }

        return [.. vocabulary.Where((token, id) => used[id] || IsSpecial(token) || IsCharacter(token))];
    }

    private static bool IsSpecial(string token) =>
        token.Length > 2 && token[0] == '[' && token[^1] == ']' && !token.StartsWith("[unused", StringComparison.Ordinal);

    private static bool IsCharacter(string token)
    {
        var piece = token.StartsWith("##", StringComparison.Ordinal) ? token[2..] : token;
        return piece.Length > 0 && new StringInfo(piece).LengthInTextElements == 1;
    }
}
