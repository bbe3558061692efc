using InferenceApi.Core.Backends;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx;

/// <summary>
/// A GPT-style decoder session. Inputs are wrapped as <see cref="OrtValue"/>s over the step's pooled arrays
/// (no copy); the last position's logits and the presents are copied back into the step.
/// </summary>
internal sealed class OnnxDecoderSession : IDecoderSession
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _outputNames;
    private readonly string[] _pastNames;

    public OnnxDecoderSession(InferenceSession session, string placement, DecoderShape shape)
    {
        _session = session;
        Placement = placement;
        Shape = shape;
        _pastNames = shape.HasPast ? OptimumLayout.PastNames(shape.Layers) : [];
        _outputNames = [OptimumLayout.Logits, .. shape.HasPast ? OptimumLayout.PresentNames(shape.Layers) : []];
    }

    public string Placement { get; }

    public DecoderShape Shape { get; }

    public void Run(DecoderStep step)
    {
        var names = new List<string>(3 + _pastNames.Length) { OptimumLayout.InputIds, OptimumLayout.AttentionMask };
        var values = new List<OrtValue>(3 + _pastNames.Length)
        {
            OrtTensors.Over(step.InputIds, step.Batch * step.NewTokens, [step.Batch, step.NewTokens]),
            OrtTensors.Over(step.AttentionMask, step.Batch * step.TotalLength, [step.Batch, step.TotalLength]),
        };
        try
        {
            if (Shape.HasPositionIds)
            {
                names.Add(OptimumLayout.PositionIds);
                values.Add(OrtTensors.Over(step.PositionIds, step.Batch * step.NewTokens, [step.Batch, step.NewTokens]));
            }

            long[] pastShape = [step.Batch, Shape.Heads, step.PastLength, Shape.HeadDim];
            var pastCount = step.Batch * Shape.PositionWidth * step.PastLength;
            for (var i = 0; i < _pastNames.Length; i++)
            {
                names.Add(_pastNames[i]);
                values.Add(OrtTensors.Over(step.Past[i], pastCount, pastShape));
            }

            using var outputs = _session.Run(_runOptions, names, values, _outputNames);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            var vocabulary = Shape.VocabularySize;
            for (var row = 0; row < step.Batch; row++)
            {
                // Rows are right-aligned, so every row's last token sits at the last position.
                logits.Slice(((row * step.NewTokens) + step.NewTokens - 1) * vocabulary, vocabulary).CopyTo(step.LastLogits.AsSpan(row * vocabulary));
            }

            for (var i = 1; i < outputs.Count; i++)
            {
                outputs[i].GetTensorDataAsSpan<float>().CopyTo(step.Present[i - 1]);
            }
        }
        catch (OnnxRuntimeException exception)
        {
            throw new BackendException(exception.Message, exception);
        }
        finally
        {
            OrtTensors.DisposeAll(values);
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
