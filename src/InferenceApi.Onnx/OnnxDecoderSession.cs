using System.Runtime.InteropServices;
using InferenceApi.Core.Backends;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceApi.Onnx;

/// <summary>
/// A decoder-with-past session for any layout <see cref="DecoderShape"/> describes. Every input and output is bound
/// (<see cref="OrtIoBinding"/>) to memory the session owns or the step's pooled arrays, so ONNX Runtime reads and writes
/// in place: the keys and values stay in <see cref="ResidentKvCache"/> (a step's presents are the next step's pasts,
/// typed float32 or float16 as the graph declares them), and the logits land in one reused buffer that the sampler reads
/// where it is (float16 logits are widened once per row into the step's scratch).
/// </summary>
internal sealed class OnnxDecoderSession : IDecoderSession
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _pastNames;
    private readonly string[] _presentNames;
    private readonly TensorElementType _kvType;
    private readonly ResidentKvCache _kv;
    private readonly bool[] _useCache = new bool[1];

    /// <summary>The logits output: float32 read in place by the sampler, or float16 widened from <see cref="_halfLogits"/>.</summary>
    private float[] _logits = GC.AllocateUninitializedArray<float>(1, pinned: true);
    private Half[] _halfLogits = GC.AllocateUninitializedArray<Half>(1, pinned: true);

    public OnnxDecoderSession(InferenceSession session, string placement, DecoderShape shape)
    {
        _session = session;
        _binding = session.CreateIoBinding();
        Placement = placement;
        Shape = shape;
        _kvType = shape.KvElement == TensorElement.Float16 ? TensorElementType.Float16 : TensorElementType.Float;
        _pastNames = OptimumLayout.PastNames(shape.Layers);
        _presentNames = OptimumLayout.PresentNames(shape.Layers);
        _kv = new ResidentKvCache(shape);
    }

    public string Placement { get; }

    public DecoderShape Shape { get; }

    /// <summary>Steps that continued from the last presents as they were, and steps that gathered their pasts (rows joined or left).</summary>
    public (long Bound, long Gathered) KvSteps => _kv.Counts;

    public void Run(DecoderStep step)
    {
        var values = new List<OrtValue>(8 + (2 * _pastNames.Length));
        try
        {
            Bind(values, OptimumLayout.InputIds, OrtTensors.Over(step.InputIds, step.Batch * step.NewTokens, [step.Batch, step.NewTokens]));
            Bind(values, OptimumLayout.AttentionMask, OrtTensors.Over(step.AttentionMask, step.Batch * step.TotalLength, [step.Batch, step.TotalLength]));
            if (Shape.HasPositionIds)
            {
                Bind(values, OptimumLayout.PositionIds, OrtTensors.Over(step.PositionIds, step.Batch * step.NewTokens, [step.Batch, step.NewTokens]));
            }

            if (Shape.HasUseCacheBranch)
            {
                // A merged decoder's no-past branch ignores the (empty) past; it exists for steps with nothing cached.
                _useCache[0] = step.PastLength > 0;
                Bind(values, OptimumLayout.UseCacheBranch, OrtValue.CreateTensorValueFromMemory(_useCache, [1]));
            }

            long[] logitsShape = [step.Batch, step.NewTokens, Shape.VocabularySize];
            var logitsCount = step.Batch * step.NewTokens * Shape.VocabularySize;
            BindOutput(values, OptimumLayout.Logits, Shape.LogitsElement == TensorElement.Float16
                ? Over(Fit(ref _halfLogits, logitsCount), logitsCount * 2, TensorElementType.Float16, logitsShape)
                : Over(Fit(ref _logits, logitsCount), logitsCount * sizeof(float), TensorElementType.Float, logitsShape));
            byte[][]? present = null;
            if (Shape.HasPast)
            {
                (var past, present) = _kv.Prepare(step);
                for (var i = 0; i < _pastNames.Length; i++)
                {
                    var kv = Shape.KvTensors[i];
                    Bind(values, _pastNames[i], Over(past[i], _kv.Bytes(step.Batch, i, step.PastLength), _kvType, [step.Batch, kv.Heads, step.PastLength, kv.HeadDim]));
                    BindOutput(values, _presentNames[i], Over(present[i], _kv.Bytes(step.Batch, i, step.TotalLength), _kvType, [step.Batch, kv.Heads, step.TotalLength, kv.HeadDim]));
                }
            }

            _session.RunWithBinding(_runOptions, _binding);
            if (present is not null)
            {
                _kv.Commit(step, present);
            }

            ReadLogits(step);
        }
        catch (OnnxRuntimeException exception)
        {
            _kv.Forget();
            throw new BackendException(exception.Message, exception);
        }
        catch
        {
            _kv.Forget();
            throw;
        }
        finally
        {
            // The binding keeps its own references to the native values; ours only wrap the buffers.
            OrtTensors.DisposeAll(values);
        }
    }

    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static OrtValue Over<T>(T[] buffer, int bytes, TensorElementType type, long[] shape) =>
        OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, shape, Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0), bytes);

    /// <summary>A pinned buffer of at least <paramref name="count"/> elements: grown when a step needs more, shrunk when a long prefill's is four times what steps need now.</summary>
    private static T[] Fit<T>(ref T[] buffer, int count)
    {
        if (buffer.Length < count || (buffer.Length > 1 << 20 && count < buffer.Length / 4))
        {
            buffer = GC.AllocateUninitializedArray<T>(Math.Max(1, count), pinned: true);
        }

        return buffer;
    }

    private void Bind(List<OrtValue> values, string name, OrtValue value)
    {
        values.Add(value);
        _binding.BindInput(name, value);
    }

    private void BindOutput(List<OrtValue> values, string name, OrtValue value)
    {
        values.Add(value);
        _binding.BindOutput(name, value);
    }

    /// <summary>Rows are right-aligned, so every row's last token sits at the last position; float16 logits are widened here, once per row.</summary>
    private void ReadLogits(DecoderStep step)
    {
        var vocabulary = Shape.VocabularySize;
        var rowStride = step.NewTokens * vocabulary;
        var last = (step.NewTokens - 1) * vocabulary;
        if (Shape.LogitsElement == TensorElement.Float32)
        {
            step.UseLogits(_logits, last, rowStride);
            return;
        }

        var source = _halfLogits.AsSpan();
        for (var row = 0; row < step.Batch; row++)
        {
            var from = source.Slice((row * rowStride) + last, vocabulary);
            var target = step.LastLogits.AsSpan(row * vocabulary, vocabulary);
            for (var v = 0; v < vocabulary; v++)
            {
                target[v] = (float)from[v];
            }
        }
    }
}
