namespace InferenceApi.Core.Backends;

/// <summary>
/// One loaded copy of an encoder graph (one "instance"). <see cref="Run"/> may be called from one thread
/// at a time per session; the scheduler gives each running batch its own session.
/// </summary>
public interface IEncoderSession : IDisposable
{
    /// <summary>A note on where the session runs ("CPU", "CUDA:0", or why CUDA fell back).</summary>
    string Placement { get; }

    /// <summary>
    /// Runs one padded batch and returns the requested output. The caller owns the returned buffer
    /// and disposes it to give the memory back to the pool.
    /// </summary>
    EncoderOutput Run(EncoderBatch batch);
}
