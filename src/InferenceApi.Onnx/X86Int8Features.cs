using System.Runtime.Intrinsics.X86;
using Avx2Isa = System.Runtime.Intrinsics.X86.Avx2;

namespace InferenceApi.Onnx;

/// <summary>The x86 features MLAS picks its uint8 × int8 kernels by; all false on other processors.</summary>
/// <param name="Avx512Core">AVX512F, BW, DQ and VL, with the OS saving their state.</param>
/// <param name="Avx512Vnni">CPUID leaf 7 ECX bit 11: MLAS reads it only where <paramref name="Avx512Core"/> holds.</param>
/// <param name="AvxVnni">CPUID leaf 7 sub-leaf 1 EAX bit 4 (the VEX-encoded VNNI of CPUs without AVX-512).</param>
public readonly record struct X86Int8Features(bool Avx2, bool Avx512Core, bool Avx512Vnni, bool AvxVnni)
{
    /// <summary>
    /// This process's CPU, as .NET and CPUID report it. With .NET's use of AVX-512 turned off (its EnableAVX512 settings)
    /// a VNNI CPU without AVX-VNNI reads as saturating, so the server takes the exact kernels there: slower, never wrong.
    /// </summary>
    public static X86Int8Features Current { get; } = Read();

    private static X86Int8Features Read()
    {
        if (!X86Base.IsSupported || !Avx2Isa.IsSupported)
        {
            return default;
        }

        var leaf7 = X86Base.CpuId(7, 0);
        var leaf7Sub1 = X86Base.CpuId(7, 1);
        var avx512Core = Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported;
        return new X86Int8Features(
            Avx2: true,
            Avx512Core: avx512Core,
            Avx512Vnni: (leaf7.Ecx & (1 << 11)) != 0,
            AvxVnni: (leaf7Sub1.Eax & (1 << 4)) != 0);
    }
}
