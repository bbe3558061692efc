using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace InferenceApi.Core.Tokenization;

/// <summary>A learned byte-level BPE: the vocabulary (256 byte tokens, then one token per merge, then the special tokens) and the merges in rank order.</summary>
public sealed record ByteLevelBpe(IReadOnlyList<string> Tokens, IReadOnlyList<(string Left, string Right)> Merges)
{
    /// <summary>Writes <c>vocab.json</c> and <c>merges.txt</c> in the GPT-2 formats <see cref="Gpt2Tokenizer.Create"/> reads.</summary>
    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var vocabulary = new Dictionary<string, int>(Tokens.Count, StringComparer.Ordinal);
        for (var id = 0; id < Tokens.Count; id++)
        {
            vocabulary.Add(Tokens[id], id);
        }

        // Byte-level symbols are non-ASCII letters (Ġ, Ċ…); writing them unescaped keeps the file readable, as GPT-2's is.
        var json = JsonSerializer.Serialize(vocabulary, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        File.WriteAllText(Path.Combine(directory, Gpt2TokenizerLoader.VocabularyFileName), json, new UTF8Encoding(false));
        var merges = new StringBuilder("#version: 0.2\n");
        foreach (var (left, right) in Merges)
        {
            merges.Append(left).Append(' ').Append(right).Append('\n');
        }

        File.WriteAllText(Path.Combine(directory, Gpt2TokenizerLoader.MergesFileName), merges.ToString(), new UTF8Encoding(false));
    }
}

/// <summary>
/// Learns a byte-level BPE from text, as Hugging Face's <c>ByteLevelBPETokenizer.train</c> does: words are split with
/// GPT-2's pre-tokenizer, spelled in the byte alphabet, and the most frequent adjacent pair is merged until the
/// vocabulary is full. A model trained on a small corpus then needs a far smaller embedding than GPT-2's 50,257
/// tokens, and <see cref="Gpt2Tokenizer"/> reads the result, so training and serving tokenize identically.
/// </summary>
public static class ByteLevelBpeTrainer
{
    private const int ByteTokens = 256;

    /// <param name="texts">The corpus.</param>
    /// <param name="vocabularySize">Tokens in all, special tokens included; at least 256 + the special tokens.</param>
    /// <param name="specialTokens">Appended after the merges, e.g. <c>&lt;|endoftext|&gt;</c>.</param>
    /// <param name="minFrequency">A pair seen fewer times than this is never merged.</param>
    public static ByteLevelBpe Train(IEnumerable<string> texts, int vocabularySize, IReadOnlyList<string> specialTokens, int minFrequency = 2)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(specialTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, ByteTokens + specialTokens.Count);

        var symbols = new List<string>(vocabularySize);
        for (var b = 0; b < ByteTokens; b++)
        {
            symbols.Add(ByteLevelAlphabet.ToChar((byte)b).ToString());
        }

        var (words, counts) = CountWords(texts);
        var pairs = new PairStatistics(words, counts);
        var merges = new List<(string, string)>();
        var symbolIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < symbols.Count; id++)
        {
            symbolIds[symbols[id]] = id;
        }

        while (symbols.Count < vocabularySize - specialTokens.Count)
        {
            if (pairs.Best(symbols) is not { } best || best.Count < minFrequency)
            {
                break;
            }

            var merged = symbols[best.Left] + symbols[best.Right];
            if (!symbolIds.TryGetValue(merged, out var newId))
            {
                newId = symbols.Count;
                symbols.Add(merged);
                symbolIds[merged] = newId;
            }

            merges.Add((symbols[best.Left], symbols[best.Right]));
            pairs.Merge(best.Left, best.Right, newId);
        }

        foreach (var special in specialTokens)
        {
            if (symbolIds.ContainsKey(special))
            {
                throw new ArgumentException($"special token '{special}' collides with a learned token", nameof(specialTokens));
            }

            symbols.Add(special);
        }

        return new ByteLevelBpe(symbols, merges);
    }

    private static (List<int[]> Words, List<long> Counts) CountWords(IEnumerable<string> texts)
    {
        var frequencies = new Dictionary<string, long>(StringComparer.Ordinal);
        var piece = new StringBuilder();
        foreach (var text in texts)
        {
            for (var start = 0; start < text.Length;)
            {
                var length = Gpt2PreTokenizer.NextPieceLength(text, start);
                piece.Clear();
                foreach (var b in Encoding.UTF8.GetBytes(text, start, length))
                {
                    piece.Append(ByteLevelAlphabet.ToChar(b));
                }

                var key = piece.ToString();
                frequencies[key] = frequencies.GetValueOrDefault(key) + 1;
                start += length;
            }
        }

        // Sorted, so the merge order (ties included) does not depend on dictionary iteration order.
        var words = new List<int[]>(frequencies.Count);
        var counts = new List<long>(frequencies.Count);
        foreach (var (word, count) in frequencies.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            words.Add(word.Select(c => ByteLevelAlphabet.ToByte(c)).ToArray());
            counts.Add(count);
        }

        return (words, counts);
    }

    private readonly record struct Candidate(int Left, int Right, long Count);

    /// <summary>Pair counts over the corpus's distinct words, updated in place as pairs merge (only words holding the pair are touched).</summary>
    private sealed class PairStatistics
    {
        private readonly List<int[]> _words;
        private readonly List<long> _counts;
        private readonly Dictionary<(int, int), long> _pairCounts = [];
        private readonly Dictionary<(int, int), HashSet<int>> _wordsWithPair = [];

        public PairStatistics(List<int[]> words, List<long> counts)
        {
            _words = words;
            _counts = counts;
            for (var w = 0; w < words.Count; w++)
            {
                AddPairs(w, +1);
            }
        }

        /// <summary>The most frequent pair; ties go to the pair whose merged text sorts first, so runs are reproducible.</summary>
        public Candidate? Best(List<string> symbols)
        {
            Candidate? best = null;
            foreach (var ((left, right), count) in _pairCounts)
            {
                if (count <= 0)
                {
                    continue;
                }

                if (best is not { } current || count > current.Count
                    || (count == current.Count && ComparePair(symbols, left, right, current.Left, current.Right) < 0))
                {
                    best = new Candidate(left, right, count);
                }
            }

            return best;
        }

        public void Merge(int left, int right, int merged)
        {
            if (!_wordsWithPair.Remove((left, right), out var affected))
            {
                return;
            }

            foreach (var w in affected.Order())
            {
                AddPairs(w, -1);
                _words[w] = Replace(_words[w], left, right, merged);
                AddPairs(w, +1);
            }

            _pairCounts.Remove((left, right));
        }

        private static int ComparePair(List<string> symbols, int l1, int r1, int l2, int r2)
        {
            var first = string.CompareOrdinal(symbols[l1], symbols[l2]);
            return first != 0 ? first : string.CompareOrdinal(symbols[r1], symbols[r2]);
        }

        private static int[] Replace(int[] word, int left, int right, int merged)
        {
            var result = new List<int>(word.Length);
            for (var i = 0; i < word.Length; i++)
            {
                if (i + 1 < word.Length && word[i] == left && word[i + 1] == right)
                {
                    result.Add(merged);
                    i++;
                }
                else
                {
                    result.Add(word[i]);
                }
            }

            return result.ToArray();
        }

        private void AddPairs(int w, int sign)
        {
            var word = _words[w];
            for (var i = 0; i + 1 < word.Length; i++)
            {
                var pair = (word[i], word[i + 1]);
                _pairCounts[pair] = _pairCounts.GetValueOrDefault(pair) + (sign * _counts[w]);
                if (sign > 0)
                {
                    if (!_wordsWithPair.TryGetValue(pair, out var set))
                    {
                        _wordsWithPair[pair] = set = [];
                    }

                    set.Add(w);
                }
            }
        }
    }
}
