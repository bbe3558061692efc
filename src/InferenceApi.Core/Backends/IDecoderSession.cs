namespace InferenceApi.Core.Backends;

/// <summary>One loaded copy of a GPT-style decoder with past; one step at a time.</summary>
public interface IDecoderSession : IDisposable
{
    /// <summary>Where the session runs ("CPU", "CUDA:0", or why CUDA fell back).</summary>
    string Placement { get; }

    DecoderShape Shape { get; }

    /// <summary>Runs the step's inputs and fills its <see cref="DecoderStep.LastLogits"/> and <see cref="DecoderStep.Present"/>.</summary>
    void Run(DecoderStep step);
}
