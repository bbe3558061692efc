namespace InferenceApi.Core.Backends;

/// <summary>
/// One loaded copy of a GPT-style decoder with past; one step at a time. The session keeps the keys and values of the
/// step it ran last and finds each row's by its <see cref="DecoderStep.Caches"/> entry, so a sequence with a cache must
/// have been in the session's previous step.
/// </summary>
public interface IDecoderSession : IDisposable
{
    /// <summary>Where the session runs ("CPU", "CUDA:0", or why CUDA fell back).</summary>
    string Placement { get; }

    DecoderShape Shape { get; }

    /// <summary>Runs the step and makes its <see cref="DecoderStep.Logits"/> readable; keeps the presents as the next step's pasts.</summary>
    void Run(DecoderStep step);
}
