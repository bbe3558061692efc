namespace InferenceApi.Core.Generation;

/// <summary>
/// One sequence's place in the decoder's key/value cache: how many positions it holds, and (by reference) which row of
/// the session's batch is its own. The keys and values themselves stay in the decoder session between steps (one step's
/// presents are bound as the next step's pasts), so nothing is copied per sequence. The price is a rule the scheduler
/// keeps: a sequence takes part in every step of one session from its prefill until it leaves.
/// </summary>
public sealed class SequenceCache
{
    /// <summary>Positions cached.</summary>
    public int Length { get; private set; }

    /// <summary>Counts <paramref name="count"/> more positions, written by the step the sequence just took part in.</summary>
    internal void Extend(int count) => Length += count;
}
