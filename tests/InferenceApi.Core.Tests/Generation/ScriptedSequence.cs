using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;

namespace InferenceApi.Core.Tests.Generation;

/// <summary>A sequence that finishes after a set number of tokens and records what the scheduler did to it.</summary>
internal sealed class ScriptedSequence(IReadOnlyList<int> prompt, int tokensToGenerate, int maxTotalTokens = 8) : IGeneratingSequence
{
    private readonly TaskCompletionSource<InferenceError?> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SequenceCache Cache { get; } = new();

    public IReadOnlyList<int> NextInput { get; private set; } = prompt;

    public int NextPosition => Cache.Length;

    public int MaxTotalTokens { get; } = maxTotalTokens;

    public DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>Bounds the wait to join, as a real sequence's does: once it has advanced it no longer applies.</summary>
    public DateTimeOffset Deadline => Advances == 0 ? WaitDeadline : DateTimeOffset.MaxValue;

    public DateTimeOffset WaitDeadline { get; init; } = DateTimeOffset.MaxValue;

    public bool IsCancelled { get; set; }

    public int Advances { get; private set; }

    /// <summary>Null when it finished normally, else the error it was failed with.</summary>
    public Task<InferenceError?> Done => _done.Task;

    public bool Advance(Span<float> logits)
    {
        Advances++;
        NextInput = [1];
        if (Advances < tokensToGenerate)
        {
            return false;
        }

        _done.TrySetResult(null);
        return true;
    }

    public void Fail(InferenceError error) => _done.TrySetResult(error);
}
