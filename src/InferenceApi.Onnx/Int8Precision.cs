namespace InferenceApi.Onnx;

/// <summary>
/// Which of ONNX Runtime's x86 kernels multiply an int8 model's uint8 activations by its int8 weights
/// (<c>OnnxRuntime:Int8Precision</c>).
/// </summary>
public enum Int8Precision
{
    /// <summary><see cref="Exact"/> on a CPU whose fast kernels saturate (<see cref="Int8Kernels"/>), <see cref="Fast"/> elsewhere.</summary>
    Auto,

    /// <summary>
    /// ONNX Runtime's <c>session.x64quantprecision</c>: int8 weights beyond ±64 are rewritten to uint8 when the
    /// session opens, for its uint8 × uint8 kernels, which never saturate. Slower where VNNI would have been exact anyway.
    /// </summary>
    Exact,

    /// <summary>ONNX Runtime's default uint8 × int8 kernels, which saturate on x86 CPUs without VNNI.</summary>
    Fast,
}
