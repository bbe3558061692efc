namespace InferenceApi.Core.Tokenization;

/// <summary>
/// Finds added tokens in a text, leftmost first and the longest where several start at the same place (Hugging Face's
/// leftmost-longest Aho-Corasick), honouring <c>single_word</c>, <c>lstrip</c> and <c>rstrip</c>.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>
    /// The matches in <paramref name="text"/>[<paramref name="start"/>, <paramref name="stop"/>): for each, the span it
    /// takes (white space it strips included) and the token.
    /// </summary>
    public List<(int Start, int Stop, AddedToken Token)> Find(string text, int start, int stop)
    {
        var found = new List<(int, int, AddedToken)>();
        if (IsEmpty)
        {
            return found;
        }

        int floor = start;
        for (int i = start; i < stop; i++)
        {
            if (!_byFirstChar.TryGetValue(text[i], out AddedToken[]? candidates))
            {
                continue;
            }

            foreach (AddedToken token in candidates)
            {
                int end = i + token.Content.Length;
                if (end > stop || string.CompareOrdinal(text, i, token.Content, 0, token.Content.Length) != 0)
                {
                    continue;
                }

                if (token.SingleWord && ((i > start && IsWordChar(text[i - 1])) || (end < stop && IsWordChar(text[end]))))
                {
                    continue;
                }

                int matchStart = i;
                while (token.LeftStrip && matchStart > floor && char.IsWhiteSpace(text[matchStart - 1]))
                {
                    matchStart--;
                }

                while (token.RightStrip && end < stop && char.IsWhiteSpace(text[end]))
                {
                    end++;
                }

                found.Add((matchStart, end, token));
                floor = end;
                i = end - 1;
                break;
            }
        }

        return found;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
