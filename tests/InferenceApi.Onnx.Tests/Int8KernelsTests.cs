using InferenceApi.Core.Backends;
using InferenceApi.Onnx.Proto;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx.Tests;

/// <summary>
/// Which int8 kernels a session gets: the CPU table that mirrors MLAS's choice, the weights ONNX Runtime rewrites to
/// uint8 when the factory asks for the exact kernels (and only then), and the shipped int8 sentiment model answering the
/// same through them, bit for bit, as through the kernels this CPU picks by default.
/// </summary>
public sealed class Int8KernelsTests : IDisposable
{
    private static readonly string Int8Model = Path.Combine(TestPaths.RepositoryRoot, "models", "sentiment", "3", "model.onnx");
    private readonly TempDirectory _scratch = new();

    public static TheoryData<string, X86Int8Features, bool> Cpus() => new()
    {
        { "not x86, or x86 without AVX2", default, false },
        { "AVX2 alone (Haswell, Zen 2, Zen 3)", new(Avx2: true, Avx512Core: false, Avx512Vnni: false, AvxVnni: false), true },
        { "AVX-VNNI without AVX-512 (Alder Lake)", new(Avx2: true, Avx512Core: false, Avx512Vnni: false, AvxVnni: true), false },
        { "AVX-512 without VNNI (Skylake-SP)", new(Avx2: true, Avx512Core: true, Avx512Vnni: false, AvxVnni: false), true },
        { "AVX-512 VNNI (Cascade Lake, Zen 4)", new(Avx2: true, Avx512Core: true, Avx512Vnni: true, AvxVnni: false), false },
        { "AVX-512 core and AVX-VNNI but no AVX512-VNNI: MLAS takes the AVX-512 core kernel", new(Avx2: true, Avx512Core: true, Avx512Vnni: false, AvxVnni: true), true },
        { "AVX512-VNNI reported with AVX-512 off in the OS: MLAS never reads it", new(Avx2: true, Avx512Core: false, Avx512Vnni: true, AvxVnni: false), true },
    };

    [Theory]
    [MemberData(nameof(Cpus))]
    public void SaturateOn_MirrorsMlasKernelChoice(string cpu, X86Int8Features features, bool saturates)
    {
        Assert.True(saturates == Int8Kernels.SaturateOn(features), cpu);
    }

    [Theory]
    [InlineData(Int8Precision.Auto, true, true)]
    [InlineData(Int8Precision.Auto, false, false)]
    [InlineData(Int8Precision.Exact, false, true)]
    [InlineData(Int8Precision.Exact, true, true)]
    [InlineData(Int8Precision.Fast, true, false)]
    [InlineData(Int8Precision.Fast, false, false)]
    public void UseExact_AutoIsExactWhereTheFastKernelsSaturate(Int8Precision precision, bool saturate, bool exact)
    {
        Assert.Equal(exact, Int8Kernels.UseExact(precision, saturate));
    }

    [Fact]
    public void Saturate_IsThisCpusEntryInTheTable()
    {
        Assert.Equal(Int8Kernels.SaturateOn(X86Int8Features.Current), Int8Kernels.Saturate);
    }

    [Theory]
    [InlineData(Int8Precision.Auto, LogLevel.Information, "exact uint8 × uint8 kernels (OnnxRuntime:Int8Precision Auto)")]
    [InlineData(Int8Precision.Exact, LogLevel.Information, "exact uint8 × uint8 kernels (OnnxRuntime:Int8Precision Exact)")]
    [InlineData(Int8Precision.Fast, LogLevel.Warning, "kernels that saturate")]
    public void ChooseInt8Kernels_WhereTheFastKernelsSaturate_SaysWhichRun(Int8Precision precision, LogLevel level, string says)
    {
        var logger = new FakeLogger<OnnxSessionFactory>();

        OnnxSessionFactory.ChooseInt8Kernels(logger, precision, saturate: true);

        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(level, record.Level);
        Assert.Contains(says, record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChooseInt8Kernels_WhereTheyDoNotSaturate_SaysNothing()
    {
        var logger = new FakeLogger<OnnxSessionFactory>();

        Assert.True(OnnxSessionFactory.ChooseInt8Kernels(logger, Int8Precision.Exact, saturate: false));
        Assert.False(OnnxSessionFactory.ChooseInt8Kernels(logger, Int8Precision.Auto, saturate: false));

        Assert.Empty(logger.Collector.GetSnapshot());
    }

    [Fact]
    public void Open_Exact_OnnxRuntimeRewritesTheWideInt8WeightsToUint8()
    {
        var exact = Optimized(Int8Precision.Exact);
        var fast = Optimized(Int8Precision.Fast);

        // MLAS counts every AVX2 CPU as one whose kernels may saturate, so the rewrite runs here whatever the VNNI.
        var rewritten = exact.Initializer.Where(IsRewritten).ToList();
        Assert.NotEmpty(rewritten);
        Assert.All(rewritten, t => Assert.Equal((int)TensorProto.Types.DataType.Uint8, t.DataType));
        Assert.DoesNotContain(fast.Initializer, IsRewritten);
        Assert.Contains(fast.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Int8);
    }

    [Fact]
    public void NewSessionOptions_RewriteTheWeightsWhereThisCpusFastKernelsSaturate()
    {
        using var options = Int8Kernels.NewSessionOptions();

        var graph = Optimized(options, "outside-the-server");

        Assert.Equal(Int8Kernels.Saturate, graph.Initializer.Any(IsRewritten));
    }

    [Fact]
    public void Run_ExactKernels_AnswerAsThisCpusDefaultBitForBit()
    {
        using var exact = Open(Int8Precision.Exact);
        using var auto = Open(Int8Precision.Auto);

        var (ids, shape) = Inputs(batch: 8, length: 48);
        var expected = Logits(auto, ids, shape);
        var actual = Logits(exact, ids, shape);

        // Both multiply exactly: in 32-bit sums (VNNI, or uint8 × uint8) or, where they would saturate, Auto is Exact.
        Assert.Equal(expected, actual);
        Assert.Contains(expected, v => v != 0);
    }

    public void Dispose() => _scratch.Dispose();

    /// <summary>A weight ONNX Runtime's rewrite for its uint8 × uint8 kernels made (it names them so).</summary>
    private static bool IsRewritten(TensorProto initializer) => initializer.Name.EndsWith("_s8_2_u8", StringComparison.Ordinal);

    private static OnnxSessionFactory Factory(Int8Precision precision) =>
        new(NullLogger<OnnxSessionFactory>.Instance, Options.Create(new OnnxRuntimeOptions { Int8Precision = precision }));

    private static InferenceSession Open(Int8Precision precision) =>
        Factory(precision).Open(Int8Model, new SessionSettings(ExecutionProvider.Cpu, 1, 1, 0)).Session;

    /// <summary>The graph as the factory's options leave it once ONNX Runtime has optimised it for this CPU.</summary>
    private GraphProto Optimized(Int8Precision precision)
    {
        using var options = Factory(precision).CreateOptions(new SessionSettings(ExecutionProvider.Cpu, 1, 1, 0), SessionRole.Batch);
        return Optimized(options, precision.ToString());
    }

    private GraphProto Optimized(SessionOptions options, string name)
    {
        var dump = Path.Combine(_scratch.Path, $"{name}.onnx");
        options.OptimizedModelFilePath = dump;
        using (new InferenceSession(Int8Model, options))
        {
        }

        return ModelProto.Parser.ParseFrom(File.ReadAllBytes(dump)).Graph;
    }

    /// <summary>Token ids spread over the model's 13,486-token vocabulary (a fixed seed), every position real.</summary>
    private static (long[] Ids, long[] Shape) Inputs(int batch, int length)
    {
        var random = new Random(20261130);
        var ids = new long[batch * length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = random.Next(1000, 13000);
        }

        return (ids, [batch, length]);
    }

    private static float[] Logits(InferenceSession session, long[] ids, long[] shape)
    {
        var ones = Enumerable.Repeat(1L, ids.Length).ToArray();
        var zeros = new long[ids.Length];
        var inputs = session.InputMetadata.Keys.ToDictionary(name => name, name => OrtValue.CreateTensorValueFromMemory(
            name switch { "input_ids" => ids, "attention_mask" => ones, _ => zeros }, shape));
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, inputs, session.OutputNames);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var value in inputs.Values)
            {
                value.Dispose();
            }
        }
    }
}
