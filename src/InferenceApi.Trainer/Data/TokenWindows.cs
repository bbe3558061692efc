using InferenceApi.Trainer.Training;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// A token stream cut into non-overlapping windows of <see cref="Length"/> tokens (the context + 1, so each window
/// gives a full context of next-token targets); the examples the training loop shuffles, batches and splits.
/// </summary>
public sealed class TokenWindows : IExampleSet<TokenWindows>
{
    private readonly int[] tokens;
    private readonly int[] starts;

    private TokenWindows(int[] tokens, int[] starts, int length)
    {
        this.tokens = tokens;
        this.starts = starts;
        Length = length;
    }

    public int Length { get; }

    public int Count => starts.Length;

    /// <summary>Tokens in all windows together.</summary>
    public long TokenCount => (long)Count * Length;

    /// <summary>Windows at a stride of <paramref name="length"/> - 1, so every token but the first is predicted exactly once.</summary>
    public static TokenWindows Cut(int[] tokens, int length, string path)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        var stride = length - 1;
        var count = tokens.Length >= length ? ((tokens.Length - length) / stride) + 1 : 0;
        return count > 0 ? new TokenWindows(tokens, [.. Enumerable.Range(0, count).Select(i => i * stride)], length)
            : throw new InvalidDataException($"{path}: {tokens.Length} tokens, fewer than one {length}-token window (the context + 1)");
    }

    public TokenWindows Subset(IReadOnlyList<int> indices) => new(tokens, [.. indices.Select(i => starts[i])], Length);

    /// <summary>A seeded random hold-out of whole windows (no token is in both parts).</summary>
    public (TokenWindows Train, TokenWindows HoldOut) Split(double holdOutFraction, int seed)
    {
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        var held = (int)Math.Round(Count * holdOutFraction);
        return (Subset(order[held..]), Subset(order[..held]));
    }

    /// <summary>The windows as one row-major int64 batch [Count, Length].</summary>
    public long[] ToBatch()
    {
        var batch = new long[Count * Length];
        for (var w = 0; w < Count; w++)
        {
            for (var i = 0; i < Length; i++)
            {
                batch[(w * Length) + i] = tokens[starts[w] + i];
            }
        }

        return batch;
    }

    /// <summary>The first <paramref name="count"/> tokens of window <paramref name="window"/>.</summary>
    public int[] Prefix(int window, int count) => tokens.AsSpan(starts[window], Math.Min(count, Length)).ToArray();
}
