using InferenceApi.Core.Backends;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx;

/// <summary>
/// Opens ONNX Runtime sessions on the configured provider. CUDA is tried only when this build has it
/// (the GPU package, <c>-p:UseGpu=true</c>); any failure falls back to the CPU with the reason logged
/// and kept in the session's placement, so a model never fails to load just because a GPU is missing.
/// Sessions share ONNX Runtime's process-wide intra-op pool unless their settings ask for their own threads, or they run
/// a decode loop and <c>OnnxRuntime:DecoderSpinning</c> is on (<see cref="SessionThreading"/>).
/// </summary>
public sealed partial class OnnxSessionFactory(ILogger<OnnxSessionFactory> logger, IOptions<OnnxRuntimeOptions>? runtimeOptions = null)
{
    private const string CudaProvider = "CUDAExecutionProvider";
    private const string CpuPackageReason = "this build uses the CPU package of ONNX Runtime; publish with -p:UseGpu=true for CUDA";
    private readonly OnnxRuntimeOptions _runtime = runtimeOptions?.Value ?? new();
    private readonly bool _sharedPool = OnnxEnvironment.EnsureCreated(runtimeOptions?.Value ?? new());
    private readonly bool _exactInt8 = ChooseInt8Kernels(logger, (runtimeOptions?.Value ?? new()).Int8Precision, Int8Kernels.Saturate);

    private int _autoFallbackReported;

    /// <summary>Opens a session and says where it runs ("CPU", "CUDA:0", or "CPU (CUDA unavailable: …)").</summary>
    public (InferenceSession Session, string Placement) Open(string modelFile, SessionSettings settings, SessionRole role = SessionRole.Batch)
    {
        if (settings.Provider != ExecutionProvider.Cpu)
        {
            var reason = CudaUnavailableReason();
            if (reason is null)
            {
                try
                {
                    using var cudaOptions = CreateOptions(settings, role);
                    cudaOptions.AppendExecutionProvider_CUDA(settings.CudaDeviceId);
                    return (new InferenceSession(modelFile, cudaOptions), $"CUDA:{settings.CudaDeviceId}");
                }
                catch (OnnxRuntimeException exception)
                {
                    reason = CudaLibraryProbe.MissingLibrary() is { } missing ? $"{exception.Message}: {missing} is missing" : exception.Message;
                }
            }

            ReportCpuFallback(settings.Provider, modelFile, reason);
            using var cpuOptions = CreateOptions(settings, role);
            // Auto on the CPU build expects nothing else; on the CUDA build the fallback is news, so the placement says why.
            var quiet = settings.Provider == ExecutionProvider.Auto && reason == CpuPackageReason;
            return (OpenCpu(modelFile, cpuOptions), quiet ? "CPU" : $"CPU (CUDA unavailable: {reason})");
        }

        using var options = CreateOptions(settings, role);
        return (OpenCpu(modelFile, options), "CPU");
    }

    /// <summary>
    /// A Cuda that was asked for and is missing is a Warning for each model. Auto only means "the GPU if there is one":
    /// a CPU machine is the normal case, said once at Information, not once per model and version.
    /// </summary>
    private void ReportCpuFallback(ExecutionProvider provider, string modelFile, string reason)
    {
        if (provider != ExecutionProvider.Auto)
        {
            LogCudaRequestedButUnavailable(logger, provider, modelFile, reason);
        }
        else if (Interlocked.Exchange(ref _autoFallbackReported, 1) == 0)
        {
            LogAutoOnCpu(logger, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution provider {Provider} requested for {ModelFile} but CUDA is unavailable ({Reason}); running on the CPU")]
    private static partial void LogCudaRequestedButUnavailable(ILogger logger, ExecutionProvider provider, string modelFile, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Models run on the CPU: CUDA is unavailable ({Reason}); the execution provider is Auto, so this is said once, not per model")]
    private static partial void LogAutoOnCpu(ILogger logger, string reason);

    /// <summary>
    /// Whether sessions use the exact int8 kernels. Said where the fast ones <paramref name="saturate"/>, the news on
    /// such a CPU; the server has one factory, so once.
    /// </summary>
    internal static bool ChooseInt8Kernels(ILogger logger, Int8Precision precision, bool saturate)
    {
        var exact = Int8Kernels.UseExact(precision, saturate);
        if (saturate && exact)
        {
            LogExactInt8Kernels(logger, precision);
        }
        else if (saturate)
        {
            LogSaturatingInt8Kernels(logger);
        }

        return exact;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This CPU has no VNNI, so int8 models run on ONNX Runtime's exact uint8 × uint8 kernels (OnnxRuntime:Int8Precision {Precision}): its faster uint8 × int8 ones would saturate")]
    private static partial void LogExactInt8Kernels(ILogger logger, Int8Precision precision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This CPU has no VNNI and OnnxRuntime:Int8Precision is Fast: int8 models run on kernels that saturate, and may answer differently than on other CPUs")]
    private static partial void LogSaturatingInt8Kernels(ILogger logger);

    /// <summary>Reads inputs and outputs with optimisations off: a quick look, not a serving session.</summary>
    public static ModelSignature ReadSignature(string modelFile)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = OpenCpu(modelFile, options);
        return new ModelSignature(
            session.InputMetadata.Select(m => Describe(m.Key, m.Value)).ToList(),
            session.OutputMetadata.Select(m => Describe(m.Key, m.Value)).ToList());
    }

    private static InferenceSession OpenCpu(string modelFile, SessionOptions options)
    {
        try
        {
            return new InferenceSession(modelFile, options);
        }
        catch (OnnxRuntimeException exception)
        {
            throw new BackendException($"ONNX Runtime cannot load {Path.GetFileName(modelFile)}: {exception.Message}", exception);
        }
    }

    private static string? CudaUnavailableReason()
    {
        try
        {
            return OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider)
                ? null
                : CpuPackageReason;
        }
        catch (OnnxRuntimeException exception)
        {
            return exception.Message;
        }
    }

    internal SessionOptions CreateOptions(SessionSettings settings, SessionRole role)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = settings.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = settings.InterOpThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        SessionThreading.For(settings, role, _runtime, _sharedPool).ApplyTo(options);
        if (_exactInt8)
        {
            Int8Kernels.AskForExact(options);
        }

        return options;
    }

    private static TensorSpec Describe(string name, NodeMetadata metadata)
    {
        if (!metadata.IsTensor)
        {
            return new TensorSpec(name, TensorElement.Other, []);
        }

        var element = OrtElements.ToCore(metadata.ElementDataType);
        return new TensorSpec(name, element, metadata.Dimensions.Select(d => (long)d).ToArray());
    }
}
