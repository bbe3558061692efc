namespace InferenceApi.Core.Backends;

/// <summary>Where a model runs.</summary>
public enum ExecutionProvider
{
    /// <summary>CUDA when this build and machine have it, otherwise the CPU (the fallback is logged with its reason).</summary>
    Auto,

    /// <summary>Always the CPU.</summary>
    Cpu,

    /// <summary>CUDA; when it cannot start, the model falls back to the CPU and says why in its status.</summary>
    Cuda,
}
