using InferenceApi.Core.Errors;

namespace InferenceApi.Core.Generation;

/// <summary>
/// A sequence as the continuous-batching loop sees it: its cache, what it feeds next, and a way to hand it
/// the logits of its last position. The sequence itself samples, detokenizes, matches stop sequences and
/// streams; the loop only decides who runs in each step.
/// </summary>
public interface IGeneratingSequence
{
    SequenceCache Cache { get; }

    /// <summary>The prompt before prefill; afterwards the one token sampled last (or the whole history for a graph without past).</summary>
    IReadOnlyList<int> NextInput { get; }

    /// <summary>The position of the first token of <see cref="NextInput"/>.</summary>
    int NextPosition { get; }

    /// <summary>Tokens this sequence will hold at most (prompt + max new tokens): its share of the token budget.</summary>
    int MaxTotalTokens { get; }

    /// <summary>True once the client has gone away or its deadline passed: it leaves at the next step.</summary>
    bool IsAbandoned { get; }

    /// <summary>
    /// Takes the logits of its last position (a scratch row it may modify in place), picks and emits the next
    /// token; true when the sequence is finished.
    /// </summary>
    bool Advance(Span<float> logits);

    /// <summary>Ends the sequence with an error (backend failure, shutdown, abandonment).</summary>
    void Fail(InferenceError error);
}
