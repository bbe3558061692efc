using InferenceApi.Core.Backends;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx;

/// <summary>
/// How one session's operators get their threads: ONNX Runtime's shared pool, or a pool of its own, and whether that
/// pool's threads spin within a Run (and only there: stopped when it ends, <c>session.force_spinning_stop</c>).
/// </summary>
internal readonly record struct SessionThreading(bool SharedPool, int IntraOpThreads, bool Spinning)
{
    private const string AllowSpinning = "session.intra_op.allow_spinning";
    private const string InterOpAllowSpinning = "session.inter_op.allow_spinning";
    private const string ForceSpinningStop = "session.force_spinning_stop";

    public static SessionThreading For(SessionSettings settings, SessionRole role, OnnxRuntimeOptions runtime, bool sharedPoolExists)
    {
        // The shared pool cannot stop spinning after a Run (ONNX Runtime only does that for a session's own pool), so a
        // decode loop that should spin within its steps and sleep after each needs a pool of its own.
        var spinsWhileDecoding = role == SessionRole.DecodeLoop && runtime.DecoderSpinning;
        if (sharedPoolExists && !spinsWhileDecoding && settings.IntraOpThreads == 0 && settings.InterOpThreads <= 1)
        {
            return new SessionThreading(SharedPool: true, runtime.ResolvedIntraOpThreads, runtime.AllowSpinning);
        }

        var threads = settings.IntraOpThreads > 0 ? settings.IntraOpThreads : runtime.ResolvedIntraOpThreads;
        return new SessionThreading(SharedPool: false, threads, runtime.AllowSpinning || spinsWhileDecoding);
    }

    public void ApplyTo(SessionOptions options)
    {
        if (SharedPool)
        {
            options.DisablePerSessionThreads();
            return;
        }

        options.IntraOpNumThreads = IntraOpThreads;
        options.AddSessionConfigEntry(AllowSpinning, Spinning ? "1" : "0");
        options.AddSessionConfigEntry(InterOpAllowSpinning, Spinning ? "1" : "0");
        if (Spinning)
        {
            // Spinning speeds the hand-offs between a Run's operators; after the Run the request's HTTP work needs
            // the cores. With a session pool spinning on past its Runs, 32 clients got 700–735 req/s on 2 cores
            // against 1,317 with this stop (the shared pool has no such switch).
            options.AddSessionConfigEntry(ForceSpinningStop, "1");
        }
    }
}
