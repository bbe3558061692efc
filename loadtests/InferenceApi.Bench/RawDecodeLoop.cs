using System.Diagnostics;
using InferenceApi.Core.Backends;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Bench;

/// <summary>
/// The baseline for generation: a plain greedy KV-cache loop straight on ONNX Runtime, batch 1, no server,
/// no sampling code, as fast as a hand-written loop gets.
/// </summary>
internal static class RawDecodeLoop
{
    public static double TokensPerSecond(string modelFile, int[] prompt, int tokens, int layers)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 0, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(modelFile, options);
        var heads = session.InputMetadata[OptimumLayout.PastKey(0)].Dimensions[1];
        var headDim = session.InputMetadata[OptimumLayout.PastKey(0)].Dimensions[3];
        string[] outputs = [OptimumLayout.Logits, .. OptimumLayout.PresentNames(layers)];
        using var runOptions = new RunOptions();
        Run(session, runOptions, outputs, prompt, Math.Min(8, tokens), layers, heads, headDim);
        var started = Stopwatch.GetTimestamp();
        Run(session, runOptions, outputs, prompt, tokens, layers, heads, headDim);
        return tokens / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static void Run(InferenceSession session, RunOptions runOptions, string[] outputs, int[] prompt, int tokens, int layers, int heads, int headDim)
    {
        var past = Enumerable.Range(0, layers * 2).Select(_ => Array.Empty<float>()).ToArray();
        var pastLength = 0;
        long[] ids = prompt.Select(i => (long)i).ToArray();
        for (var step = 0; step < tokens; step++)
        {
            var total = pastLength + ids.Length;
            var names = new List<string> { OptimumLayout.InputIds, OptimumLayout.AttentionMask, OptimumLayout.PositionIds };
            var values = new List<OrtValue>
            {
                OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]),
                OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, total).ToArray(), [1, total]),
                OrtValue.CreateTensorValueFromMemory(Enumerable.Range(pastLength, ids.Length).Select(i => (long)i).ToArray(), [1, ids.Length]),
            };
            for (var l = 0; l < layers; l++)
            {
                names.Add(OptimumLayout.PastKey(l));
                values.Add(OrtValue.CreateTensorValueFromMemory(past[2 * l], [1, heads, pastLength, headDim]));
                names.Add(OptimumLayout.PastValue(l));
                values.Add(OrtValue.CreateTensorValueFromMemory(past[(2 * l) + 1], [1, heads, pastLength, headDim]));
            }

            using (var results = session.Run(runOptions, names, values, outputs))
            {
                var logits = results[0].GetTensorDataAsSpan<float>();
                var vocabulary = logits.Length / ids.Length;
                var last = logits.Slice((ids.Length - 1) * vocabulary, vocabulary);
                var best = 0;
                for (var v = 1; v < last.Length; v++)
                {
                    best = last[v] > last[best] ? v : best;
                }

                for (var i = 0; i < past.Length; i++)
                {
                    past[i] = results[i + 1].GetTensorDataAsSpan<float>().ToArray();
                }

                pastLength = total;
                ids = [best];
            }

            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }
}
