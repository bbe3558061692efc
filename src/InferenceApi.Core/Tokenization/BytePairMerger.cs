using System.Buffers;
using System.Collections.Concurrent;
using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// Byte-level BPE of one pre-tokenized piece: its UTF-8 bytes become byte tokens, then the pair with the lowest
/// merge rank is merged, leftmost first, until no pair has a rank (GPT-2's <c>bpe()</c>). Thread-safe; results for
/// short pieces are cached, since the same words come back in every request.
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
    private readonly int[] _byteTokenIds;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;
    private int _cacheCount;

    /// <param name="byteTokenIds">The token id of each of the 256 bytes.</param>
    /// <param name="merges">Rank and result of each mergeable pair, keyed by <see cref="PairKey"/>.</param>
    public BytePairMerger(int[] byteTokenIds, Dictionary<long, MergeRule> merges)
    {
        _byteTokenIds = byteTokenIds;
        _merges = merges;
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

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
        int byteCount = Encoding.UTF8.GetByteCount(piece);
        byte[] bytes = ArrayPool<byte>.Shared.Rent(byteCount);
        int[] symbols = ArrayPool<int>.Shared.Rent(byteCount);
        int[] next = ArrayPool<int>.Shared.Rent(byteCount);
        int[] previous = ArrayPool<int>.Shared.Rent(byteCount);
        try
        {
            Encoding.UTF8.GetBytes(piece, bytes);
            for (int i = 0; i < byteCount; i++)
            {
                symbols[i] = _byteTokenIds[bytes[i]];
                next[i] = i + 1 < byteCount ? i + 1 : -1;
                previous[i] = i - 1;
            }

            if (byteCount > 1)
            {
                MergePairs(symbols, next, previous, byteCount);
            }

            var result = new List<int>(byteCount);
            for (int i = 0; i >= 0; i = next[i])
            {
                result.Add(symbols[i]);
            }

            return result.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<int>.Shared.Return(symbols);
            ArrayPool<int>.Shared.Return(next);
            ArrayPool<int>.Shared.Return(previous);
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

            // Stale entries: the symbol was merged away, or the pair has changed since (ranks are unique per pair).
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

