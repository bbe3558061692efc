using System.Diagnostics;
using InferenceApi.Core.Backends;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Bench;

/// <summary>
/// The classification baselines: ONNX Runtime in process with no server, on the same model and token ids
/// the server would feed: the latency of one batch-1 <c>Run</c>, and the best sequences/s over batch sizes.
/// </summary>
internal sealed class RawClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly bool _tokenTypes;

    public RawClassifier(string modelFile)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 0, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(modelFile, options);
        _tokenTypes = _session.InputMetadata.ContainsKey(OptimumLayout.TokenTypeIds);
    }

    /// <summary>Median latency of one batch-1 run of <paramref name="ids"/>, in ms.</summary>
    public double SingleRunP50(long[] ids, int runs = 2000)
    {
        var samples = new double[runs];
        Run(ids, 1);
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Run(ids, 1);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(samples);
        return samples[runs / 2];
    }

    /// <summary>The best sequences/s over batch sizes 1..64, each measured for <paramref name="seconds"/>.</summary>
    public (int Batch, double PerSecond) BestThroughput(long[] ids, double seconds)
    {
        var best = (Batch: 0, PerSecond: 0.0);
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

            var perSecond = sequences / Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (perSecond > best.PerSecond)
            {
                best = (batch, perSecond);
            }
        }

        return best;
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
