using System.Runtime.InteropServices;
using InferenceApi.Core.Backends;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceApi.Onnx;

/// <summary>
/// A decoder-with-past session for any layout <see cref="DecoderShape"/> describes. Inputs are wrapped as
/// <see cref="OrtValue"/>s over the step's pooled arrays (no copy; the key/value bytes are pinned and typed float32 or
/// float16 as the graph declares them); the last position's logits (widened to float32 when the graph gives float16)
/// and the presents (as bytes, in the cache's own type) are copied back into the step.
/// </summary>
internal sealed class OnnxDecoderSession : IDecoderSession
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _outputNames;
    private readonly string[] _pastNames;
    private readonly TensorElementType _kvType;

    public OnnxDecoderSession(InferenceSession session, string placement, DecoderShape shape)
    {
        _session = session;
        Placement = placement;
        Shape = shape;
        _kvType = shape.KvElement == TensorElement.Float16 ? TensorElementType.Float16 : TensorElementType.Float;
        _pastNames = OptimumLayout.PastNames(shape.Layers);
        _outputNames = [OptimumLayout.Logits, .. OptimumLayout.PresentNames(shape.Layers)];
    }

    public string Placement { get; }

    public DecoderShape Shape { get; }

    public void Run(DecoderStep step)
    {
        var names = new List<string>(4 + _pastNames.Length) { OptimumLayout.InputIds, OptimumLayout.AttentionMask };
        var values = new List<OrtValue>(4 + _pastNames.Length)
        {
            OrtTensors.Over(step.InputIds, step.Batch * step.NewTokens, [step.Batch, step.NewTokens]),
            OrtTensors.Over(step.AttentionMask, step.Batch * step.TotalLength, [step.Batch, step.TotalLength]),
        };
        var pins = new List<GCHandle>(_pastNames.Length);
        try
        {
            if (Shape.HasPositionIds)
            {
                names.Add(OptimumLayout.PositionIds);
                values.Add(OrtTensors.Over(step.PositionIds, step.Batch * step.NewTokens, [step.Batch, step.NewTokens]));
            }

            if (Shape.HasUseCacheBranch)
            {
                // A merged decoder's no-past branch ignores the (empty) past; it exists for steps with nothing cached.
                names.Add(OptimumLayout.UseCacheBranch);
                values.Add(OrtValue.CreateTensorValueFromMemory(new[] { step.PastLength > 0 }, [1]));
            }

            for (var i = 0; i < _pastNames.Length; i++)
            {
                var kv = Shape.KvTensors[i];
                names.Add(_pastNames[i]);
                values.Add(OrtTensors.OverBytes(step.Past[i], step.PastBytes(i), _kvType, [step.Batch, kv.Heads, step.PastLength, kv.HeadDim], pins));
            }

            using var outputs = _session.Run(_runOptions, names, values, _outputNames);
            CopyLastLogits(outputs[0], step);
            for (var i = 1; i < outputs.Count; i++)
            {
                var present = outputs[i].GetTensorMutableRawData();
                if (present.Length != step.PresentBytes(i - 1))
                {
                    throw new BackendException($"output '{_outputNames[i]}' has {present.Length} bytes; the step expects {step.PresentBytes(i - 1)} (its shape disagrees with the past inputs)");
                }

                present.CopyTo(step.Present[i - 1]);
            }
        }
        catch (OnnxRuntimeException exception)
        {
            throw new BackendException(exception.Message, exception);
        }
        finally
        {
            OrtTensors.DisposeAll(values);
            foreach (var pin in pins)
            {
                pin.Free();
            }
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>Rows are right-aligned, so every row's last token sits at the last position; float16 logits are widened here, once per row.</summary>
    private void CopyLastLogits(OrtValue logits, DecoderStep step)
    {
        var vocabulary = Shape.VocabularySize;
        var raw = logits.GetTensorMutableRawData();
        for (var row = 0; row < step.Batch; row++)
        {
            var offset = ((row * step.NewTokens) + step.NewTokens - 1) * vocabulary;
            var target = step.LastLogits.AsSpan(row * vocabulary, vocabulary);
            if (Shape.LogitsElement == TensorElement.Float16)
            {
                var source = MemoryMarshal.Cast<byte, Half>(raw).Slice(offset, vocabulary);
                for (var v = 0; v < vocabulary; v++)
                {
                    target[v] = (float)source[v];
                }
            }
            else
            {
                MemoryMarshal.Cast<byte, float>(raw).Slice(offset, vocabulary).CopyTo(target);
            }
        }
    }
}
