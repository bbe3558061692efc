using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx;

/// <summary>
/// Creates ONNX Runtime's process-wide environment with the shared intra-op pool (<see cref="OnnxRuntimeOptions"/>),
/// once. The environment exists once per process and is created by the first session anyone opens; if something
/// opened one before the server's factory existed (a test, a tool in the same process), the pool cannot be added
/// any more and sessions keep pools of their own, sized as the shared one would have been.
/// </summary>
internal static class OnnxEnvironment
{
    private static readonly Lock Gate = new();
    private static bool? _sharedPool;

    /// <summary>Whether sessions can use the shared pool; the first call decides for the process.</summary>
    public static bool EnsureCreated(OnnxRuntimeOptions options)
    {
        lock (Gate)
        {
            if (_sharedPool is { } known)
            {
                return known;
            }

            _sharedPool = options.SharedThreadPool && !OrtEnv.IsCreated;
            if (_sharedPool.Value)
            {
                using var threading = new OrtThreadingOptions
                {
                    GlobalIntraOpNumThreads = options.ResolvedIntraOpThreads,
                    GlobalInterOpNumThreads = 1,
                    GlobalSpinControl = options.AllowSpinning,
                };
                var creation = new EnvironmentCreationOptions { threadOptions = threading, logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING };
                OrtEnv.CreateInstanceWithOptions(ref creation);
            }

            return _sharedPool.Value;
        }
    }
}
