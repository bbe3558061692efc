using System.Diagnostics;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Models;
using InferenceApi.Onnx;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Bench;

/// <summary>
/// The classification baselines: ONNX Runtime in process with no server, on the same model and token ids
/// the server would feed: one timed batch-1 <c>Run</c> (the HTTP floor's process runs it for P2, <see cref="HttpFloor"/>),
/// and the best sequences/s over batch sizes.
/// </summary>
internal sealed class RawClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly bool _tokenTypes;

    /// <summary>Raw's own session: a pool for the session whose threads spin between operators and a while after each
    /// Run (ONNX Runtime's defaults), as many intra-op threads as cores.</summary>
    public RawClassifier(string modelFile)
        : this(OpenRaw(modelFile))
    {
    }

    private RawClassifier(InferenceSession session)
    {
        _session = session;
        _tokenTypes = _session.InputMetadata.ContainsKey(OptimumLayout.TokenTypeIds);
    }

    /// <summary>
    /// The same model opened as the server opens it, by the server's own session factory with default settings: its
    /// threading (ONNX Runtime's shared pool, no spinning) is the server's by construction, not a copy of it. The first
    /// session of a process decides its environment, so this is for a process of its own (the HTTP floor's).
    /// </summary>
    public static RawClassifier WithServerThreading(string modelFile) =>
        new(new OnnxSessionFactory(NullLogger<OnnxSessionFactory>.Instance).Open(modelFile, new ServingSettings().ToSessionSettings()).Session);

    /// <summary>One batch-1 run of <paramref name="ids"/>, timed: ms.</summary>
    public double TimedRun(long[] ids)
    {
        var started = Stopwatch.GetTimestamp();
        Run(ids, 1);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>Sequences/s at each batch size 1..64, each measured for <paramref name="seconds"/>.</summary>
    public IReadOnlyDictionary<int, double> Throughputs(long[] ids, double seconds)
    {
        var rates = new SortedDictionary<int, double>();
        foreach (var batch in new[] { 1, 4, 8, 16, 32, 64 })
        {
            var batched = Enumerable.Repeat(ids, batch).SelectMany(x => x).ToArray();
            Run(batched, batch);
            var started = Stopwatch.GetTimestamp();
            long sequences = 0;
            while (Stopwatch.GetElapsedTime(started).TotalSeconds < seconds)
            {
                Run(batched, batch);
                sequences += batch;
            }

            rates[batch] = sequences / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        return rates;
    }

    private static InferenceSession OpenRaw(string modelFile)
    {
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        return new InferenceSession(modelFile, options);
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    private void Run(long[] ids, int batch)
    {
        long[] shape = [batch, ids.Length / batch];
        var mask = new long[ids.Length];
        Array.Fill(mask, 1L);
        var names = new List<string> { OptimumLayout.InputIds, OptimumLayout.AttentionMask };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(ids, shape), OrtValue.CreateTensorValueFromMemory(mask, shape) };
        if (_tokenTypes)
        {
            names.Add(OptimumLayout.TokenTypeIds);
            values.Add(OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape));
        }

        using (_session.Run(_runOptions, names, values, [OptimumLayout.Logits]))
        {
        }

        foreach (var value in values)
        {
            value.Dispose();
        }
    }
}
