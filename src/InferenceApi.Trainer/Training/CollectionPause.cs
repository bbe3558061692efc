using System.Runtime;

namespace InferenceApi.Trainer.Training;

/// <summary>
/// Runs one training step with the garbage collector held off. TorchSharp's optimizers (like any code that passes an
/// implicit Scalar) read a Scalar's handle and let the object go before the native call returns; a collection during
/// the call finalizes (frees) it while libtorch still reads it ("Expected false to be true … toFloat" inside AdamW's
/// step, which failed a clean-clone CI run). Our own models keep their Scalars alive (<see cref="Models.TensorMath"/>);
/// the optimizer's are out of reach. A step allocates little managed memory (tensor wrappers), so a no-GC region of
/// 64 MiB covers it; a step that allocates more ends the region early with a collection, which is the old behaviour.
/// </summary>
internal static class CollectionPause
{
    private const long Budget = 64L << 20;

    // A no-GC region is the process's, not the thread's: steps on several threads (tests train models side by side)
    // take turns, so each ends only the region it started.
    private static readonly Lock Gate = new();

    public static T Run<T>(Func<T> step)
    {
        lock (Gate)
        {
            return RunAlone(step);
        }
    }

    private static T RunAlone<T>(Func<T> step)
    {
        bool paused;
        try
        {
            paused = GC.TryStartNoGCRegion(Budget);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            // Already in a region (a nested step), or a runtime whose ephemeral space is smaller than the budget.
            paused = false;
        }

        try
        {
            return step();
        }
        finally
        {
            if (paused && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
    }
}
