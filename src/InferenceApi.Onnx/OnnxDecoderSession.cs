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

    /// <summary>The logits output of each part of a step (see <see cref="SplitJoining"/>): float32 read in place by the sampler, or float16 widened from <see cref="_halfLogits"/>.</summary>
    private readonly float[][] _logits = [Pinned<float>(), Pinned<float>()];
    private readonly Half[][] _halfLogits = [Pinned<Half>(), Pinned<Half>()];

    /// <summary>Runs in each window of <see cref="_logitsPeak"/>.</summary>
    private const int LogitsWindow = 256;

    /// <summary>The most logits each part's buffer held lately (<see cref="ResidentKvCache"/> keeps its sets the same way).</summary>
    private readonly RecentPeak[] _logitsPeak = [new(LogitsWindow), new(LogitsWindow)];

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
        try
        {
            if (SplitJoining(step) is not { } parts)
            {
                RunPart(step, step, Enumerable.Range(0, step.Batch).ToArray(), 0);
                return;
            }

            // A joining prompt runs apart from the running rows' next tokens: together, every running row would be padded
            // to the prompt's width and pay for it in every layer and in the logits of every padded position.
            for (var i = 0; i < parts.Length; i++)
            {
                using var part = step.Subset(parts[i]);
                RunPart(step, part, parts[i], i);
            }
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
    }

    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>
    /// The running rows and the joining ones of a step that has both and would pad the running rows (a prompt wider than
    /// their one new token); null when the step runs as one.
    /// </summary>
    private static int[][]? SplitJoining(DecoderStep step)
    {
        if (!step.Shape.HasPast || step.NewTokens == 1)
        {
            return null;
        }

        var running = Enumerable.Range(0, step.Batch).Where(b => step.RowPast[b] > 0).ToArray();
        if (running.Length == 0 || running.Length == step.Batch || running.Max(b => step.RowNew[b]) == step.NewTokens)
        {
            return null;
        }

        return [running, Enumerable.Range(0, step.Batch).Where(b => step.RowPast[b] == 0).ToArray()];
    }

    /// <summary>Runs <paramref name="part"/> (rows <paramref name="rows"/> of <paramref name="step"/>) with logits buffer <paramref name="slot"/>, and points the step's rows at their logits.</summary>
    private void RunPart(DecoderStep step, DecoderStep part, int[] rows, int slot)
    {
        var values = new List<OrtValue>(8 + (2 * _pastNames.Length));
        byte[][]? past = null;
        byte[][]? present = null;
        try
        {
            Bind(values, OptimumLayout.InputIds, OrtTensors.Over(part.InputIds, part.Batch * part.NewTokens, [part.Batch, part.NewTokens]));
            Bind(values, OptimumLayout.AttentionMask, OrtTensors.Over(part.AttentionMask, part.Batch * part.TotalLength, [part.Batch, part.TotalLength]));
            if (Shape.HasPositionIds)
            {
                Bind(values, OptimumLayout.PositionIds, OrtTensors.Over(part.PositionIds, part.Batch * part.NewTokens, [part.Batch, part.NewTokens]));
            }

            if (Shape.HasUseCacheBranch)
            {
                // A merged decoder's no-past branch ignores the (empty) past; it exists for steps with nothing cached.
                _useCache[0] = part.PastLength > 0;
                Bind(values, OptimumLayout.UseCacheBranch, OrtValue.CreateTensorValueFromMemory(_useCache, [1]));
            }

            long[] logitsShape = [part.Batch, part.NewTokens, Shape.VocabularySize];
            var logitsCount = part.Batch * part.NewTokens * Shape.VocabularySize;
            _logitsPeak[slot].Observe(logitsCount);
            var recent = _logitsPeak[slot].Value;
            BindOutput(values, OptimumLayout.Logits, Shape.LogitsElement == TensorElement.Float16
                ? Over(Fit(ref _halfLogits[slot], logitsCount, recent), logitsCount * 2, TensorElementType.Float16, logitsShape)
                : Over(Fit(ref _logits[slot], logitsCount, recent), logitsCount * sizeof(float), TensorElementType.Float, logitsShape));
            if (Shape.HasPast)
            {
                (past, present) = _kv.Prepare(part);
                for (var i = 0; i < _pastNames.Length; i++)
                {
                    var kv = Shape.KvTensors[i];
                    Bind(values, _pastNames[i], Over(past[i], _kv.Bytes(part.Batch, i, part.PastLength), _kvType, [part.Batch, kv.Heads, part.PastLength, kv.HeadDim]));
                    BindOutput(values, _presentNames[i], Over(present[i], _kv.Bytes(part.Batch, i, part.TotalLength), _kvType, [part.Batch, kv.Heads, part.TotalLength, kv.HeadDim]));
                }
            }

            _session.RunWithBinding(_runOptions, _binding);
            if (past is not null && present is not null)
            {
                _kv.Commit(part, past, present);
                (past, present) = (null, null);
            }

            ReadLogits(step, part, rows, slot);
        }
        finally
        {
            if (past is not null && present is not null)
            {
                _kv.Release(past, present);
            }

            // The binding keeps its own references to the native values; ours only wrap the buffers.
            OrtTensors.DisposeAll(values);
        }
    }

    private static T[] Pinned<T>() => GC.AllocateUninitializedArray<T>(1, pinned: true);

    private static OrtValue Over<T>(T[] buffer, int bytes, TensorElementType type, long[] shape) =>
        OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, shape, Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0), bytes);

    /// <summary>
    /// A pinned buffer of at least <paramref name="count"/> elements: grown to what recent runs needed when a step needs
    /// more, shrunk only when that is under a quarter of it. A 16-row prefill's logits are 16 times a decode step's; a
    /// buffer shrunk after each prefill was regrown at the next one, on fresh pages, every generation.
    /// </summary>
    private static T[] Fit<T>(ref T[] buffer, int count, int recent)
    {
        if (buffer.Length < count || (buffer.Length > 1 << 20 && recent < buffer.Length / 4))
        {
            buffer = GC.AllocateUninitializedArray<T>(Math.Max(1, recent), pinned: true);
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

    /// <summary>
    /// Rows are right-aligned, so every row's last token sits at the part's last position: float32 logits are read where
    /// they are; float16 ones are widened here, once per row, into the step's scratch.
    /// </summary>
    private void ReadLogits(DecoderStep step, DecoderStep part, int[] rows, int slot)
    {
        var vocabulary = Shape.VocabularySize;
        var rowStride = part.NewTokens * vocabulary;
        var last = (part.NewTokens - 1) * vocabulary;
        for (var i = 0; i < rows.Length; i++)
        {
            if (Shape.LogitsElement == TensorElement.Float32)
            {
                step.UseLogits(rows[i], _logits[slot], (i * rowStride) + last);
                continue;
            }

            var from = _halfLogits[slot].AsSpan((i * rowStride) + last, vocabulary);
            var target = step.LastLogits.AsSpan(rows[i] * vocabulary, vocabulary);
            for (var v = 0; v < vocabulary; v++)
            {
                target[v] = (float)from[v];
            }
        }
    }
}
