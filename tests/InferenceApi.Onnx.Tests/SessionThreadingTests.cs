using InferenceApi.Core.Backends;
using InferenceApi.Core.Generation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InferenceApi.Onnx.Tests;

/// <summary>
/// Which pool a session's operators run on, and whether it spins: every session shares the process's pool by default, a
/// decode loop gets one of its own that spins within its steps when <c>DecoderSpinning</c> asks for it, and a model's own
/// thread settings give it a pool of its own that spins only when <c>AllowSpinning</c> says so.
/// </summary>
public sealed class SessionThreadingTests
{
    private static readonly SessionSettings Defaults = new(ExecutionProvider.Cpu, IntraOpThreads: 0, InterOpThreads: 1, CudaDeviceId: 0);

    [Fact]
    public void For_BatchOnDefaults_UsesTheSharedPoolWithoutSpinning()
    {
        var threading = SessionThreading.For(Defaults, SessionRole.Batch, new OnnxRuntimeOptions(), sharedPoolExists: true);

        Assert.True(threading.SharedPool);
        Assert.False(threading.Spinning);
    }

    [Fact]
    public void For_DecodeLoopOnDefaults_SharesThePoolWithoutSpinning()
    {
        var threading = SessionThreading.For(Defaults, SessionRole.DecodeLoop, new OnnxRuntimeOptions(), sharedPoolExists: true);

        Assert.True(threading.SharedPool);
        Assert.False(threading.Spinning);
    }

    [Fact]
    public void For_DecodeLoopWithDecoderSpinning_GetsAPoolOfItsOwnSizedAsTheSharedOneThatSpins()
    {
        var runtime = new OnnxRuntimeOptions { IntraOpThreads = 3, DecoderSpinning = true };

        var threading = SessionThreading.For(Defaults, SessionRole.DecodeLoop, runtime, sharedPoolExists: true);

        Assert.Equal(new SessionThreading(SharedPool: false, IntraOpThreads: 3, Spinning: true), threading);
    }

    [Fact]
    public void For_BatchWithDecoderSpinning_StillSharesThePoolWithoutSpinning()
    {
        var threading = SessionThreading.For(Defaults, SessionRole.Batch, new OnnxRuntimeOptions { DecoderSpinning = true }, sharedPoolExists: true);

        Assert.True(threading.SharedPool);
        Assert.False(threading.Spinning);
    }

    [Fact]
    public void For_DecodeLoopWithItsOwnThreadCount_KeepsThatCountAndSpins()
    {
        var runtime = new OnnxRuntimeOptions { DecoderSpinning = true };

        var threading = SessionThreading.For(Defaults with { IntraOpThreads = 1 }, SessionRole.DecodeLoop, runtime, sharedPoolExists: true);

        Assert.Equal(new SessionThreading(SharedPool: false, IntraOpThreads: 1, Spinning: true), threading);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(0, 2)]
    public void For_BatchAskingForItsOwnThreads_GetsItsOwnPoolSpinningOnlyWhenAllowed(int intraOp, int interOp)
    {
        var settings = Defaults with { IntraOpThreads = intraOp, InterOpThreads = interOp };

        var quiet = SessionThreading.For(settings, SessionRole.Batch, new OnnxRuntimeOptions(), sharedPoolExists: true);
        var spinning = SessionThreading.For(settings, SessionRole.Batch, new OnnxRuntimeOptions { AllowSpinning = true }, sharedPoolExists: true);

        Assert.False(quiet.SharedPool);
        Assert.False(quiet.Spinning);
        Assert.True(spinning.Spinning);
        Assert.Equal(intraOp > 0 ? intraOp : Environment.ProcessorCount, quiet.IntraOpThreads);
    }

    [Fact]
    public void For_NoSharedPoolInTheProcess_GivesABatchItsOwnPool()
    {
        // A session opened in the process before the server's factory existed leaves no shared pool to join.
        var threading = SessionThreading.For(Defaults, SessionRole.Batch, new OnnxRuntimeOptions(), sharedPoolExists: false);

        Assert.Equal(new SessionThreading(SharedPool: false, Environment.ProcessorCount, Spinning: false), threading);
    }

    [Fact]
    public void OpenDecoder_WithDecoderSpinning_DecodesTheTokensOfTheSharedPool()
    {
        var model = Path.Combine(TestPaths.OnnxFixturesDirectory, "tiny-gpt", "model.onnx");

        var shared = Greedy(model, new OnnxRuntimeOptions(), steps: 12);
        var spinning = Greedy(model, new OnnxRuntimeOptions { DecoderSpinning = true }, steps: 12);

        Assert.Equal(shared, spinning);
    }

    /// <summary>Greedy ids of two rows decoded together from different prompts, on a decoder opened with these options.</summary>
    private static List<int> Greedy(string model, OnnxRuntimeOptions runtime, int steps)
    {
        var backend = new OnnxBackend(new OnnxSessionFactory(NullLogger<OnnxSessionFactory>.Instance, Options.Create(runtime)));
        using var session = backend.OpenDecoder(model, DecoderSignature.Read(backend.ReadSignature(model)), Defaults);
        SequenceCache[] caches = [new(), new()];
        var rows = new[] { new DecoderRow(caches[0], [72, 101, 108], 0), new DecoderRow(caches[1], [87, 111], 0) };
        var ids = new List<int>();
        for (var s = 0; s < steps; s++)
        {
            using var step = DecoderBatchAssembler.Assemble(session.Shape, rows, padTokenId: 0);
            session.Run(step);
            DecoderBatchAssembler.Absorb(step, rows);
            var next = new[] { TokenSampler.ArgMax(step.Logits(0)), TokenSampler.ArgMax(step.Logits(1)) };
            ids.AddRange(next);
            rows = [new DecoderRow(caches[0], [next[0]], caches[0].Length), new DecoderRow(caches[1], [next[1]], caches[1].Length)];
        }

        return ids;
    }
}
