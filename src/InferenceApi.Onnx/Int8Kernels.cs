using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx;

/// <summary>
/// Whether ONNX Runtime's uint8 × int8 matrix kernels saturate on this CPU. Without VNNI they sum each pair of
/// neighbouring products with <c>PMADDUBSW</c>, in 16 bits that clamp at 32,767, where two products of a dynamically
/// quantized graph reach 2 × 255 × 127 = 64,770: an int8 model then answers differently than on a VNNI CPU (ONNX Runtime
/// issue 6004, a BERT on an AVX2 CPU). The choice mirrors MLAS's (<c>platform.cpp</c>): AVX2 kernels, replaced by
/// AVX-VNNI ones where that exists; AVX-512 core kernels where AVX512F, BW, DQ and VL exist, replaced by AVX512-VNNI ones.
/// </summary>
public static class Int8Kernels
{
    /// <summary>ONNX Runtime's session entry that rewrites int8 weights to uint8 for its uint8 × uint8 kernels.</summary>
    private const string ExactConfigKey = "session.x64quantprecision";

    /// <summary>Whether this process's CPU has the saturating kernels.</summary>
    public static bool Saturate { get; } = SaturateOn(X86Int8Features.Current);

    /// <summary>Whether <paramref name="precision"/> means the exact kernels on a CPU whose fast ones <paramref name="saturate"/> or not.</summary>
    public static bool UseExact(Int8Precision precision, bool saturate) =>
        precision == Int8Precision.Exact || (precision == Int8Precision.Auto && saturate);

    /// <summary>
    /// Options for a session that checks or measures a model outside the server (the trainer's parity checks and
    /// evaluations): every optimisation on, and the exact int8 kernels where the fast ones saturate, as the server
    /// opens it by default, so an int8 graph's figures are the ones it will serve.
    /// </summary>
    public static SessionOptions NewSessionOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (UseExact(Int8Precision.Auto, Saturate))
        {
            AskForExact(options);
        }

        return options;
    }

    /// <summary>Asks ONNX Runtime for the exact int8 kernels in sessions opened with <paramref name="options"/>.</summary>
    public static void AskForExact(SessionOptions options) => options.AddSessionConfigEntry(ExactConfigKey, "1");

    /// <summary>Whether MLAS picks a saturating uint8 × int8 kernel on a CPU with <paramref name="cpu"/>.</summary>
    public static bool SaturateOn(X86Int8Features cpu) =>
        cpu.Avx2 && !(cpu.Avx512Core ? cpu.Avx512Vnni : cpu.AvxVnni);
}
