using System.Buffers;
using System.Collections.Concurrent;
using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// BPE of one pre-tokenized piece: the piece becomes its first symbols (byte-level: its UTF-8 bytes as byte tokens;
/// SentencePiece style: its characters, or their bytes as <c>&lt;0xNN&gt;</c> tokens when a character has none), then
/// the pair with the lowest merge rank is merged, leftmost first, until no pair has a rank (GPT-2's <c>bpe()</c>,
/// Hugging Face's BPE model, and SentencePiece's BPE with ranks ordered by score). Thread-safe; results for short
/// pieces are cached, since the same words come back in every request.
/// </summary>
/// <remarks>
/// Pairs wait in a priority queue by (rank, position), so a long piece (a prompt of 100 000 letters with no space)
/// costs O(n log n) rather than GPT-2's O(n²). The order is GPT-2's: a merge made from a merged token always ranks
/// after the merge that made it, so it cannot jump ahead of the remaining occurrences of that pair.
/// </remarks>
internal sealed class BytePairMerger
{
    // Longer pieces are rare and unlikely to repeat; caching them would only grow memory.
    private const int MaxCachedPieceLength = 64;

    private const int MaxCacheEntries = 100_000;

    private readonly Dictionary<long, MergeRule> _merges;
    private readonly SymbolSeeder _seed;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;
    private int _cacheCount;

    /// <summary>Byte-level BPE: a piece starts as its UTF-8 bytes.</summary>
    /// <param name="byteTokenIds">The token id of each of the 256 bytes.</param>
    /// <param name="merges">Rank and result of each mergeable pair, keyed by <see cref="PairKey"/>.</param>
    public BytePairMerger(int[] byteTokenIds, Dictionary<long, MergeRule> merges)
        : this((piece, symbols) => SeedBytes(byteTokenIds, piece, symbols), merges)
    {
    }

    /// <param name="seed">Writes the first symbols of a piece.</param>
    /// <param name="merges">Rank and result of each mergeable pair, keyed by <see cref="PairKey"/>.</param>
    public BytePairMerger(SymbolSeeder seed, Dictionary<long, MergeRule> merges)
    {
        _seed = seed;
        _merges = merges;
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Writes the symbols a piece starts as, before any merge.</summary>
    public delegate void SymbolSeeder(ReadOnlySpan<char> piece, List<int> symbols);

    public static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>Appends the token ids of <paramref name="piece"/> to <paramref name="ids"/>.</summary>
    public void Encode(ReadOnlySpan<char> piece, List<int> ids)
    {
        if (_cacheLookup.TryGetValue(piece, out int[]? cached))
        {
            ids.AddRange(cached);
            return;
        }

        int[] result = Merge(piece);
        ids.AddRange(result);
        if (piece.Length <= MaxCachedPieceLength && Volatile.Read(ref _cacheCount) < MaxCacheEntries && _cacheLookup.TryAdd(piece, result))
        {
            Interlocked.Increment(ref _cacheCount);
        }
    }

    private int[] Merge(ReadOnlySpan<char> piece)
    {
        var seeded = new List<int>(piece.Length + 4);
        _seed(piece, seeded);
        int count = seeded.Count;
        if (count < 2)
        {
            return [.. seeded];
        }

        int[] symbols = ArrayPool<int>.Shared.Rent(count);
        int[] next = ArrayPool<int>.Shared.Rent(count);
        int[] previous = ArrayPool<int>.Shared.Rent(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                symbols[i] = seeded[i];
                next[i] = i + 1 < count ? i + 1 : -1;
                previous[i] = i - 1;
            }

            MergePairs(symbols, next, previous, count);
            var result = new List<int>(count);
            for (int i = 0; i >= 0; i = next[i])
            {
                result.Add(symbols[i]);
            }

            return [.. result];
        }
        finally
        {
            ArrayPool<int>.Shared.Return(symbols);
            ArrayPool<int>.Shared.Return(next);
            ArrayPool<int>.Shared.Return(previous);
        }
    }

    private static void SeedBytes(int[] byteTokenIds, ReadOnlySpan<char> piece, List<int> symbols)
    {
        int byteCount = Encoding.UTF8.GetByteCount(piece);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            Encoding.UTF8.GetBytes(piece, bytes);
            foreach (byte b in bytes.AsSpan(0, byteCount))
            {
                symbols.Add(byteTokenIds[b]);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private void MergePairs(int[] symbols, int[] next, int[] previous, int count)
    {
        // Priority (rank << 32 | position): lowest rank first, then leftmost, as GPT-2 merges.
        var queue = new PriorityQueue<int, long>(count);
        for (int i = 0; i + 1 < count; i++)
        {
            Enqueue(queue, symbols, i, i + 1);
        }

        while (queue.TryDequeue(out int position, out long priority))
        {
            int right = next[position];

            // Stale entries: the symbol was merged away, or the pair has changed since. A different pair of the same rank
            // (SentencePiece ranks pieces of equal score alike) is merged just as a fresh entry for it would be.
            if (symbols[position] < 0 || right < 0 || !_merges.TryGetValue(PairKey(symbols[position], symbols[right]), out MergeRule rule)
                || rule.Rank != (int)(priority >> 32))
            {
                continue;
            }

            symbols[position] = rule.MergedId;
            symbols[right] = -1;
            next[position] = next[right];
            if (next[right] >= 0)
            {
                previous[next[right]] = position;
                Enqueue(queue, symbols, position, next[position]);
            }

            if (previous[position] >= 0)
            {
                Enqueue(queue, symbols, previous[position], position);
            }
        }
    }

    private void Enqueue(PriorityQueue<int, long> queue, int[] symbols, int left, int right)
    {
        if (_merges.TryGetValue(PairKey(symbols[left], symbols[right]), out MergeRule rule))
        {
            queue.Enqueue(left, ((long)rule.Rank << 32) | (uint)left);
        }
    }
}

