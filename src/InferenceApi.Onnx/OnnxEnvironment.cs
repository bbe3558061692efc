using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx;

/// <summary>
/// Creates ONNX Runtime's process-wide environment with the shared intra-op pool (<see cref="OnnxRuntimeOptions"/>),
/// once. The environment exists once per process and is created by the first session anyone opens; if something
/// opened one before the server's factory existed (a test, a tool in the same process), the pool cannot be added
/// any more and sessions keep their own pools.
/// </summary>
internal static class OnnxEnvironment
{
    private static readonly Lock Gate = new();
    private static bool? _sharedPool;

    /// <summary>Whether sessions can use the shared pool; the first call decides for the process.</summary>
    public static bool EnsureCreated(OnnxRuntimeOptions options, ILogger logger)
    {
        lock (Gate)
        {
            if (_sharedPool is { } known)
            {
                return known;
            }

            if (options.SharedThreadPool && OrtEnv.IsCreated)
            {
                logger.LogWarning("ONNX Runtime's environment already exists in this process; each session keeps its own thread pool");
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
                logger.LogInformation("ONNX Runtime shares one pool of {Threads} intra-op threads across sessions (spinning {Spinning})",
                    options.ResolvedIntraOpThreads, options.AllowSpinning ? "on" : "off");
            }

            return _sharedPool.Value;
        }
    }
}
