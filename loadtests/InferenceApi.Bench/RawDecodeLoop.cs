using System.Diagnostics;
using System.Runtime.InteropServices;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Generation;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceApi.Bench;

/// <summary>
/// The baseline for generation: a greedy KV-cache loop straight on ONNX Runtime, no server and no sampling code,
/// written for speed. Every row decodes the same prompt in lockstep. Inputs and outputs go through an
/// <see cref="OrtIoBinding"/> over pinned buffers allocated once for the longest sequence: the presents of step t are
/// written into one set of key/value buffers and bound as the pasts of step t + 1 while the next presents go to the
/// other set (ping-pong), so no key or value is copied by the loop; only the logits are read, in place, each row's next
/// token by the server's own vectorised argmax (<see cref="TokenSampler.ArgMax"/>).
/// </summary>
internal sealed class RawDecodeLoop : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly int _layers;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly int _vocabulary;
    private readonly HashSet<int> _warmedUp = [];

    public RawDecodeLoop(string modelFile, int layers)
    {
        // The server's settings: every core for intra-op work, one inter-op thread, all graph optimisations.
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(modelFile, options);
        _layers = layers;
        var past = _session.InputMetadata[OptimumLayout.PastKey(0)].Dimensions;
        _heads = past[1];
        _headDim = past[3];
        _vocabulary = _session.OutputMetadata[OptimumLayout.Logits].Dimensions[^1];
    }

    /// <summary>Tokens per second of <paramref name="batch"/> rows each generating <paramref name="tokens"/> after <paramref name="prompt"/> (prefill included); the first call at a batch size warms up first.</summary>
    public double TokensPerSecond(long[] prompt, int tokens, int batch)
    {
        if (_warmedUp.Add(batch))
        {
            Run(prompt, Math.Min(8, tokens), batch);
        }

        var started = Stopwatch.GetTimestamp();
        Run(prompt, tokens, batch);
        return batch * tokens / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    private void Run(long[] prompt, int tokens, int batch)
    {
        var longest = prompt.Length + tokens;
        var kvFloats = batch * _heads * longest * _headDim;
        var kv = new float[2][][];
        for (var set = 0; set < 2; set++)
        {
            kv[set] = Enumerable.Range(0, _layers * 2).Select(_ => GC.AllocateUninitializedArray<float>(kvFloats, pinned: true)).ToArray();
        }

        var logits = GC.AllocateUninitializedArray<float>(batch * prompt.Length * _vocabulary, pinned: true);
        var ids = GC.AllocateUninitializedArray<long>(batch * prompt.Length, pinned: true);
        var positions = GC.AllocateUninitializedArray<long>(batch * prompt.Length, pinned: true);
        var mask = GC.AllocateArray<long>(batch * longest, pinned: true);
        Array.Fill(mask, 1L);
        for (var b = 0; b < batch; b++)
        {
            prompt.CopyTo(ids, b * prompt.Length);
            for (var j = 0; j < prompt.Length; j++)
            {
                positions[(b * prompt.Length) + j] = j;
            }
        }

        using var binding = _session.CreateIoBinding();
        var values = new List<OrtValue>();
        var pastLength = 0;
        var fresh = prompt.Length;
        for (var step = 0; step < tokens; step++)
        {
            var total = pastLength + fresh;
            var (past, present) = (kv[step % 2], kv[(step + 1) % 2]);
            Bind(binding, values, OptimumLayout.InputIds, TensorElementType.Int64, ids, [batch, fresh], input: true);
            Bind(binding, values, OptimumLayout.AttentionMask, TensorElementType.Int64, mask, [batch, total], input: true);
            Bind(binding, values, OptimumLayout.PositionIds, TensorElementType.Int64, positions, [batch, fresh], input: true);
            Bind(binding, values, OptimumLayout.Logits, TensorElementType.Float, logits, [batch, fresh, _vocabulary], input: false);
            for (var l = 0; l < _layers; l++)
            {
                Bind(binding, values, OptimumLayout.PastKey(l), TensorElementType.Float, past[2 * l], [batch, _heads, pastLength, _headDim], input: true);
                Bind(binding, values, OptimumLayout.PastValue(l), TensorElementType.Float, past[(2 * l) + 1], [batch, _heads, pastLength, _headDim], input: true);
                Bind(binding, values, OptimumLayout.PresentKey(l), TensorElementType.Float, present[2 * l], [batch, _heads, total, _headDim], input: false);
                Bind(binding, values, OptimumLayout.PresentValue(l), TensorElementType.Float, present[(2 * l) + 1], [batch, _heads, total, _headDim], input: false);
            }

            _session.RunWithBinding(_runOptions, binding);
            foreach (var value in values)
            {
                value.Dispose();
            }

            values.Clear();
            for (var b = 0; b < batch; b++)
            {
                var last = logits.AsSpan((((b * fresh) + fresh - 1) * _vocabulary), _vocabulary);
                ids[b] = TokenSampler.ArgMax(last);
                positions[b] = total;
            }

            pastLength = total;
            fresh = 1;
        }
    }

    private static void Bind<T>(OrtIoBinding binding, List<OrtValue> values, string name, TensorElementType type, T[] buffer, long[] shape, bool input)
        where T : unmanaged
    {
        var bytes = shape.Aggregate(1L, (a, b) => a * b) * Marshal.SizeOf<T>();
        var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, shape, Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0), bytes);
        values.Add(value);
        if (input)
        {
            binding.BindInput(name, value);
        }
        else
        {
            binding.BindOutput(name, value);
        }
    }
}
