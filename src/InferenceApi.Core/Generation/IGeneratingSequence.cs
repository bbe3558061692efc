using InferenceApi.Core.Errors;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Generation;

/// <summary>
/// A sequence as the continuous-batching loop sees it: its cache, what it feeds next, and a way to hand it
/// the logits of its last position. The sequence itself samples, detokenizes, matches stop sequences and
/// streams; the loop only decides who runs in each step, and drops it by the rule every scheduler uses
/// (<see cref="IQueuedRequest"/>): its <see cref="IQueuedRequest.Deadline"/> bounds the wait to join, so once it has
/// started only cancellation ends it early.
/// </summary>
public interface IGeneratingSequence : IQueuedRequest
{
    SequenceCache Cache { get; }

    /// <summary>The prompt before prefill; afterwards the one token sampled last (or the whole history for a graph without past).</summary>
    IReadOnlyList<int> NextInput { get; }

    /// <summary>The position of the first token of <see cref="NextInput"/>.</summary>
    int NextPosition { get; }

    /// <summary>Tokens this sequence will hold at most (prompt + max new tokens): its share of the token budget.</summary>
    int MaxTotalTokens { get; }

    /// <summary>
    /// Takes the logits of its last position (a scratch row it may modify in place), picks and emits the next
    /// token; true when the sequence is finished.
    /// </summary>
    bool Advance(Span<float> logits);

    /// <summary>Ends the sequence with the error the scheduler chose (backend failure, cancellation, deadline): the sequence passes it on as it is.</summary>
    void Fail(InferenceError error);
}
