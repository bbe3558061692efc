using System.Diagnostics;
using Google.Protobuf;
using InferenceApi.Core.Backends;
using InferenceApi.Onnx;
using InferenceApi.Trainer.Export;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Bench;

/// <summary>
/// <c>int8</c> mode: raw ONNX Runtime throughput of a float32 graph and its int8 quantization side by side, in one
/// process, 2 intra-op threads, all graph optimizations. A random-weight BERT-mini (4 layers, hidden 256, 4 heads,
/// 30,522 tokens) built by the trainer's graph writer at 64 tokens per input, quantized both ways the trainer can
/// write (integer operators and QDQ); the integer one again on ONNX Runtime's exact int8 kernels against this CPU's
/// fast ones (what <c>OnnxRuntime:Int8Precision</c> <c>Exact</c> costs here); then the shipped sentiment model's two
/// highest versions when both exist.
/// Each batch size alternates the two sessions in short slices, so a neighbour's load hits both alike.
/// </summary>
internal static class Int8Benchmark
{
    private const int Tokens = 64;
    private const int Slices = 4;
    private static readonly int[] BatchSizes = [1, 4, 8, 16, 32];

    public static string Run(string repositoryRoot, double seconds)
    {
        var fp32 = RandomBert.Build(RandomBert.Mini, seed: 1);
        var ratios = new List<string>
        {
            Compare("BERT-mini int8", fp32.ToByteArray(), OnnxInt8Quantizer.Quantize(fp32).ToByteArray(), RandomBert.Mini.VocabularySize, seconds),
            Compare("BERT-mini QDQ", fp32.ToByteArray(), OnnxInt8Quantizer.Quantize(fp32, Int8Format.Qdq).ToByteArray(), RandomBert.Mini.VocabularySize, seconds),
        };

        // What OnnxRuntime:Int8Precision Exact costs against this CPU's fast kernels: the same int8 graph both ways.
        var int8 = OnnxInt8Quantizer.Quantize(fp32).ToByteArray();
        ratios.Add(Compare("BERT-mini int8 exact ÷ fast kernels", int8, int8, RandomBert.Mini.VocabularySize, seconds, exactCandidate: true));
        var versions = Directory.Exists(Path.Combine(repositoryRoot, "models", "sentiment"))
            ? Directory.GetDirectories(Path.Combine(repositoryRoot, "models", "sentiment")).Where(d => File.Exists(Path.Combine(d, "model.onnx")))
                .OrderBy(d => int.TryParse(Path.GetFileName(d), out var v) ? v : -1).TakeLast(2).ToArray()
            : [];
        if (versions.Length == 2)
        {
            var vocabulary = File.ReadLines(Path.Combine(versions[1], "vocab.txt")).Count();
            ratios.Add(Compare($"sentiment v{Path.GetFileName(versions[1])}/v{Path.GetFileName(versions[0])}",
                File.ReadAllBytes(Path.Combine(versions[0], "model.onnx")), File.ReadAllBytes(Path.Combine(versions[1], "model.onnx")), vocabulary, seconds));
        }

        return string.Join("; ", ratios);
    }

    /// <summary>Prints sequences/s per batch size for both graphs and returns the batch-1 and best-batch ratios.</summary>
    /// <param name="exactCandidate">Open the candidate on ONNX Runtime's exact int8 kernels (<see cref="Int8Kernels"/>).</param>
    private static string Compare(string name, byte[] baseline, byte[] candidate, int vocabulary, double seconds, bool exactCandidate = false)
    {
        using var a = new Runner(baseline, vocabulary, exactKernels: false);
        using var b = new Runner(candidate, vocabulary, exactCandidate);
        Console.WriteLine($"{name}: {baseline.Length / 1e6:0.0} MB vs {candidate.Length / 1e6:0.0} MB, {Tokens} tokens per input, 2 intra-op threads");
        var best = (A: (Batch: 0, Rate: 0.0), B: (Batch: 0, Rate: 0.0));
        double first = 0;
        foreach (var batch in BatchSizes)
        {
            var (rateA, rateB) = (0.0, 0.0);
            a.Run(batch);
            b.Run(batch);
            for (var slice = 0; slice < Slices; slice++)
            {
                rateA += a.Measure(batch, seconds / (2 * Slices)) / Slices;
                rateB += b.Measure(batch, seconds / (2 * Slices)) / Slices;
            }

            Console.WriteLine($"  batch {batch,2}: {rateA,8:0} vs {rateB,8:0} seq/s  ({rateB / rateA:0.00}x)");
            first = batch == 1 ? rateB / rateA : first;
            best = (rateA > best.A.Rate ? (batch, rateA) : best.A, rateB > best.B.Rate ? (batch, rateB) : best.B);
        }

        return $"{name} batch-1 {first:0.00}x, best {best.B.Rate / best.A.Rate:0.00}x ({best.B.Rate:0} at batch {best.B.Batch} vs {best.A.Rate:0} at batch {best.A.Batch})";
    }

    private sealed class Runner : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly RunOptions _runOptions = new();
        private readonly long[] _ids;

        public Runner(byte[] model, int vocabulary, bool exactKernels)
        {
            using var options = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            if (exactKernels)
            {
                Int8Kernels.AskForExact(options);
            }

            _session = new InferenceSession(model, options);
            var random = new Random(7);
            _ids = [.. Enumerable.Range(0, BatchSizes[^1] * Tokens).Select(_ => (long)random.Next(1000, vocabulary))];
        }

        /// <summary>Sequences per second over <paramref name="seconds"/> of back-to-back runs.</summary>
        public double Measure(int batch, double seconds)
        {
            var started = Stopwatch.GetTimestamp();
            long sequences = 0;
            while (Stopwatch.GetElapsedTime(started).TotalSeconds < seconds)
            {
                Run(batch);
                sequences += batch;
            }

            return sequences / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        public void Run(int batch)
        {
            long[] shape = [batch, Tokens];
            var mask = new long[batch * Tokens];
            Array.Fill(mask, 1L);
            using var ids = OrtValue.CreateTensorValueFromMemory(_ids.AsMemory(0, batch * Tokens).ToArray(), shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
            using var outputs = _session.Run(_runOptions, [OptimumLayout.InputIds, OptimumLayout.AttentionMask], [ids, maskValue], [OptimumLayout.Logits]);
        }

        public void Dispose()
        {
            _runOptions.Dispose();
            _session.Dispose();
        }
    }
}
