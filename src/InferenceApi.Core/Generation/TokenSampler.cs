using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace InferenceApi.Core.Generation;

/// <summary>
/// Chooses each next token of one sequence from the model's logits, with transformers' semantics and order:
/// repetition penalty, then temperature, top-k, top-p, then a draw from the renormalised distribution
/// (or argmax when the temperature is 0). Each sequence has its own sampler and its own seeded generator,
/// so a seed reproduces a generation whatever else runs in the same batch.
/// </summary>
/// <remarks>
/// <para>The logprob reported for a token is the log-softmax of the distribution it was chosen from. When sampling
/// that is the final processed distribution: penalised, divided by the temperature, cut by top-k and top-p and
/// renormalised over what is left (as text-generation-inference reports it). When greedy it is the log-softmax of the
/// full logits after the repetition penalty only; with no penalty that is the model's own log-probability.</para>
/// <para>Reproducibility: xoshiro256** seeded by SplitMix64, one 53-bit uniform per sampled token, candidates walked
/// in a fixed order (descending logit and ascending id after top-k; the selection's order after top-p; id order
/// otherwise). The same seed and logits give the same tokens on every run; across platforms only a last-bit
/// difference in <see cref="Math.Exp"/> landing exactly on a draw could differ.</para>
/// <para>Not thread-safe: one sequence, one decode loop. Scratch buffers come from <see cref="ArrayPool{T}"/> per call
/// and go back before it returns, so samplers hold no vocabulary-sized memory between steps.</para>
/// </remarks>
public sealed class TokenSampler
{
    private Xoshiro256StarStar _rng;

    /// <summary>A sampler seeded with the parameters' seed or, when the request gave none, a fresh random one.</summary>
    public TokenSampler(SamplingParameters parameters)
        : this(parameters, parameters?.Seed ?? DrawSeed())
    {
    }

    public TokenSampler(SamplingParameters parameters, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        Seed = seed;
        _rng = Xoshiro256StarStar.FromSeed(seed);
    }

    public SamplingParameters Parameters { get; }

    /// <summary>The seed in use, drawn or given, so a response can report it and a client can replay it.</summary>
    public ulong Seed { get; }

    /// <summary>
    /// Picks the next token. <paramref name="logits"/> (one row, vocabulary-sized) is modified in place by the
    /// repetition penalty. <paramref name="previousTokens"/> is the whole sequence so far, prompt and generated.
    /// </summary>
    public int Next(Span<float> logits, ReadOnlySpan<int> previousTokens, out float logprob) =>
        Choose(logits, previousTokens, greedyLogprob: true, out logprob);

    /// <summary>
    /// <see cref="Next(Span{float}, ReadOnlySpan{int}, out float)"/> for a caller that does not report the logprob: a greedy
    /// choice then skips the log-sum-exp over the whole vocabulary, which on a 50,257-token GPT was most of a 16-row decode
    /// step's sampling time, spent on the decode loop's thread while the runtime's threads wait.
    /// </summary>
    public int Next(Span<float> logits, ReadOnlySpan<int> previousTokens) =>
        Choose(logits, previousTokens, greedyLogprob: false, out _);

    /// <summary>
    /// Index of the largest logit; ties go to the lowest id, and a NaN never wins (a NaN first logit stays the answer,
    /// as a scalar scan from it would leave it). Vectorised: it reads the whole vocabulary for every greedy token.
    /// </summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("The logits row is empty.", nameof(logits));
        }

        var max = logits[0];
        if (float.IsNaN(max))
        {
            return 0;
        }

        var i = 1;
        if (Vector.IsHardwareAccelerated && logits.Length >= 2 * Vector<float>.Count)
        {
            // Greater-than keeps NaN out, as the scalar comparison does.
            var best = new Vector<float>(max);
            for (; i <= logits.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var values = new Vector<float>(logits[i..]);
                best = Vector.ConditionalSelect(Vector.GreaterThan(values, best), values, best);
            }

            for (var lane = 0; lane < Vector<float>.Count; lane++)
            {
                max = best[lane] > max ? best[lane] : max;
            }
        }

        for (; i < logits.Length; i++)
        {
            max = logits[i] > max ? logits[i] : max;
        }

        return logits.IndexOf(max);
    }

    private int Choose(Span<float> logits, ReadOnlySpan<int> previousTokens, bool greedyLogprob, out float logprob)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("The logits row is empty.", nameof(logits));
        }

        ApplyRepetitionPenalty(logits, previousTokens, Parameters.RepetitionPenalty);

        if (Parameters.IsGreedy)
        {
            var best = ArgMax(logits);
            logprob = greedyLogprob ? (float)(logits[best] - LogSumExp(logits, logits[best])) : float.NaN;
            return best;
        }

        return Sample(logits, out logprob);
    }

    /// <summary>
    /// transformers' <c>RepetitionPenaltyLogitsProcessor</c>: each distinct token id in <paramref name="tokens"/> has its
    /// logit multiplied by <paramref name="penalty"/> when negative and divided by it otherwise, once however often the
    /// token occurs. A penalty above 1 makes repeats less likely whatever the sign. Results stay finite: a penalty near 0
    /// (any positive float is valid) would divide a logit past float's range, and an infinite logit leaves no
    /// distribution to report a log-probability from.
    /// </summary>
    public static void ApplyRepetitionPenalty(Span<float> logits, ReadOnlySpan<int> tokens, float penalty)
    {
        if (penalty == 1f || tokens.IsEmpty)
        {
            return;
        }

        var seen = ArrayPool<bool>.Shared.Rent(logits.Length);
        try
        {
            var marks = seen.AsSpan(0, logits.Length);
            marks.Clear();
            foreach (var id in tokens)
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)id, (uint)logits.Length, nameof(tokens));
                if (marks[id])
                {
                    continue;
                }

                marks[id] = true;
                var logit = logits[id];
                logits[id] = Math.Clamp(logit < 0f ? logit * penalty : logit / penalty, -float.MaxValue, float.MaxValue);
            }
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(seen);
        }
    }

    /// <summary>
    /// log Σ exp(logit) around the row's largest value, summed in double. It runs over the whole vocabulary for every
    /// token, so it is vectorised: scalar <see cref="Math.Exp(double)"/> on 50,257 logits costs about as much as a decode
    /// step's bookkeeping many times over.
    /// </summary>
    private static double LogSumExp(ReadOnlySpan<float> logits, float max)
    {
        if (!float.IsFinite(max))
        {
            return max;
        }

        var sum = 0.0;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var shift = new Vector<double>(max);
            var total = Vector<double>.Zero;
            for (; i <= logits.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(logits[i..]), out var low, out var high);
                total += Vector.Exp(low - shift) + Vector.Exp(high - shift);
            }

            sum = Vector.Sum(total);
        }

        for (; i < logits.Length; i++)
        {
            sum += Math.Exp((double)logits[i] - max);
        }

        return max + Math.Log(sum);
    }

    private int Sample(ReadOnlySpan<float> logits, out float logprob)
    {
        var vocabulary = logits.Length;
        var candidateArray = ArrayPool<Candidate>.Shared.Rent(vocabulary);
        var weightArray = ArrayPool<double>.Shared.Rent(vocabulary);
        try
        {
            int count;
            var sorted = false;
            if (Parameters.TopK is { } k && k < vocabulary)
            {
                count = SelectTopK(logits, k, candidateArray);
                candidateArray.AsSpan(0, count).Sort();
                sorted = true;
            }
            else
            {
                for (var i = 0; i < vocabulary; i++)
                {
                    candidateArray[i] = new Candidate(logits[i], i);
                }

                count = vocabulary;
            }

            var candidates = candidateArray.AsSpan(0, count);
            var weights = weightArray.AsSpan(0, count);

            var max = float.NegativeInfinity;
            foreach (var candidate in candidates)
            {
                if (candidate.Logit > max)
                {
                    max = candidate.Logit;
                }
            }

            if (!float.IsFinite(max))
            {
                // Every logit is -inf (or +inf/NaN): nothing to sample from; answer deterministically.
                logprob = float.NaN;
                return ArgMax(logits);
            }

            // softmax(logits / T), shifted by the maximum so the largest weight is exactly 1.
            double temperature = Parameters.Temperature;
            var total = 0.0;
            for (var j = 0; j < candidates.Length; j++)
            {
                var weight = Math.Exp(((double)candidates[j].Logit - max) / temperature);
                weights[j] = weight;
                total += weight;
            }

            if (Parameters.TopP < 1f)
            {
                // Keep a token while the mass before it is below top_p: the smallest set of best tokens reaching top_p,
                // never empty. Same rule as transformers' TopPLogitsWarper (ascending cumulative <= 1 - top_p removed).
                var target = total * Parameters.TopP;
                int kept;
                if (sorted)
                {
                    kept = 0;
                    var cumulative = 0.0;
                    while (kept < count)
                    {
                        cumulative += weights[kept++];
                        if (cumulative >= target)
                        {
                            break;
                        }
                    }
                }
                else
                {
                    kept = SelectNucleus(candidates, weights, target);
                }

                candidates = candidates[..kept];
                weights = weights[..kept];
                total = 0.0;
                foreach (var weight in weights)
                {
                    total += weight;
                }
            }

            var chosen = Draw(weights, _rng.NextDouble() * total);
            logprob = (float)(((double)candidates[chosen].Logit - max) / temperature - Math.Log(total));
            return candidates[chosen].Id;
        }
        finally
        {
            ArrayPool<Candidate>.Shared.Return(candidateArray);
            ArrayPool<double>.Shared.Return(weightArray);
        }
    }

    private static int Draw(ReadOnlySpan<double> weights, double point)
    {
        var cumulative = 0.0;
        var lastPositive = 0;
        for (var j = 0; j < weights.Length; j++)
        {
            if (weights[j] <= 0.0)
            {
                continue;
            }

            cumulative += weights[j];
            lastPositive = j;
            if (point < cumulative)
            {
                return j;
            }
        }

        // Rounding left the point at or just past the summed mass: it belongs to the last token with any.
        return lastPositive;
    }

    /// <summary>
    /// The k best candidates (ties to the lower id) via a size-k heap whose root is the worst kept: O(V log k)
    /// instead of sorting the vocabulary.
    /// </summary>
    private static int SelectTopK(ReadOnlySpan<float> logits, int k, Candidate[] heapArray)
    {
        var heap = heapArray.AsSpan(0, k);
        for (var i = 0; i < k; i++)
        {
            heap[i] = new Candidate(logits[i], i);
            SiftUp(heap, i);
        }

        for (var i = k; i < logits.Length; i++)
        {
            var candidate = new Candidate(logits[i], i);
            if (candidate.CompareTo(heap[0]) < 0)
            {
                heap[0] = candidate;
                SiftDown(heap, 0);
            }
        }

        return k;
    }

    // Heap order: a parent sorts after (is worse than) its children, so heap[0] is the worst kept candidate.
    private static void SiftUp(Span<Candidate> heap, int index)
    {
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (heap[index].CompareTo(heap[parent]) <= 0)
            {
                return;
            }

            (heap[index], heap[parent]) = (heap[parent], heap[index]);
            index = parent;
        }
    }

    private static void SiftDown(Span<Candidate> heap, int index)
    {
        while (true)
        {
            var worst = index;
            var left = (2 * index) + 1;
            var right = left + 1;
            if (left < heap.Length && heap[left].CompareTo(heap[worst]) > 0)
            {
                worst = left;
            }

            if (right < heap.Length && heap[right].CompareTo(heap[worst]) > 0)
            {
                worst = right;
            }

            if (worst == index)
            {
                return;
            }

            (heap[index], heap[worst]) = (heap[worst], heap[index]);
            index = worst;
        }
    }

    /// <summary>
    /// Moves the top-p nucleus to the front and returns its size: the best candidates (descending logit, ties to the
    /// lower id) while the mass before each is below <paramref name="target"/>. A quickselect on mass, O(V) expected,
    /// instead of sorting a vocabulary whose nucleus may hold tens of thousands of near-equal tokens. Only the final
    /// small range is sorted; the nucleus is left in a deterministic but unsorted order.
    /// </summary>
    private static int SelectNucleus(Span<Candidate> candidates, Span<double> weights, double target)
    {
        const int SortBelow = 32;
        var low = 0;
        var high = candidates.Length;
        var before = 0.0; // mass of candidates[..low], all kept
        while (high - low > SortBelow)
        {
            var pivotIndex = low + ((high - low) / 2);
            Swap(candidates, weights, pivotIndex, high - 1);
            var pivot = candidates[high - 1];
            var store = low;
            var betterMass = 0.0;
            for (var i = low; i < high - 1; i++)
            {
                if (candidates[i].CompareTo(pivot) < 0)
                {
                    Swap(candidates, weights, i, store);
                    betterMass += weights[store];
                    store++;
                }
            }

            Swap(candidates, weights, store, high - 1);
            if (before + betterMass >= target)
            {
                // The nucleus ends among the candidates better than the pivot.
                high = store;
                continue;
            }

            before += betterMass + weights[store];
            if (before >= target)
            {
                return store + 1;
            }

            low = store + 1;
        }

        candidates[low..high].Sort(weights[low..high]);
        for (var j = low; j < high; j++)
        {
            before += weights[j];
            if (before >= target)
            {
                return j + 1;
            }
        }

        // Rounding kept the summed mass just under top_p: keep everything still in play.
        return Math.Max(high, 1);
    }

    private static void Swap(Span<Candidate> candidates, Span<double> weights, int a, int b)
    {
        (candidates[a], candidates[b]) = (candidates[b], candidates[a]);
        (weights[a], weights[b]) = (weights[b], weights[a]);
    }

    private static ulong DrawSeed()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>A token and its logit, ordered best first: higher logit, then lower id.</summary>
    private readonly record struct Candidate(float Logit, int Id) : IComparable<Candidate>
    {
        public int CompareTo(Candidate other)
        {
            var byLogit = other.Logit.CompareTo(Logit);
            return byLogit != 0 ? byLogit : Id.CompareTo(other.Id);
        }
    }
}
