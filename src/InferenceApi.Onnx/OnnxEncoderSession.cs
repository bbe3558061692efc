using InferenceApi.Core.Backends;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx;

/// <summary>
/// A BERT-family encoder session. Inputs are wrapped as <see cref="OrtValue"/>s directly over the
/// batch's pooled arrays (no copy); the one output is copied into a pooled buffer.
/// </summary>
internal sealed class OnnxEncoderSession : IEncoderSession
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _outputNames;
    private readonly bool _takesTokenTypes;
    private readonly bool _takesAttentionMask;

    public OnnxEncoderSession(InferenceSession session, string placement, string outputName)
    {
        _session = session;
        Placement = placement;
        _outputNames = [outputName];
        _takesTokenTypes = session.InputMetadata.ContainsKey(OptimumLayout.TokenTypeIds);
        _takesAttentionMask = session.InputMetadata.ContainsKey(OptimumLayout.AttentionMask);
    }

    public string Placement { get; }

    public EncoderOutput Run(EncoderBatch batch)
    {
        long[] shape = [batch.Size, batch.SequenceLength];
        var names = new List<string>(3) { OptimumLayout.InputIds };
        var values = new List<OrtValue>(3) { OrtTensors.Over(batch.InputIds, batch.Count, shape) };
        try
        {
            if (_takesAttentionMask)
            {
                names.Add(OptimumLayout.AttentionMask);
                values.Add(OrtTensors.Over(batch.AttentionMask, batch.Count, shape));
            }

            if (_takesTokenTypes)
            {
                names.Add(OptimumLayout.TokenTypeIds);
                values.Add(OrtTensors.Over(batch.TokenTypeIds ?? throw new InvalidOperationException($"The model takes {OptimumLayout.TokenTypeIds} but the batch has none."), batch.Count, shape));
            }

            using var outputs = _session.Run(_runOptions, names, values, _outputNames);
            var tensor = outputs[0];
            var result = new EncoderOutput(tensor.GetTensorTypeAndShape().Shape);
            tensor.GetTensorDataAsSpan<float>().CopyTo(result.Data);
            return result;
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
