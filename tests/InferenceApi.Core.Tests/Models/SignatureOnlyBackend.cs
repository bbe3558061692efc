using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Tests.Models;

/// <summary>A backend that reads every model file as a small text classifier; the scripted loader opens no sessions.</summary>
internal sealed class SignatureOnlyBackend : IInferenceBackend
{
    public ModelSignature ReadSignature(string modelFile) => new(
        [new TensorSpec(OptimumLayout.InputIds, TensorElement.Int64, [-1, -1]), new TensorSpec(OptimumLayout.AttentionMask, TensorElement.Int64, [-1, -1])],
        [new TensorSpec(OptimumLayout.Logits, TensorElement.Float32, [-1, 2])]);

    public IEncoderSession OpenEncoder(string modelFile, string outputName, SessionSettings settings) => throw new NotSupportedException();

    public IImageSession OpenImageClassifier(string modelFile, SessionSettings settings) => throw new NotSupportedException();

    public IDecoderSession OpenDecoder(string modelFile, DecoderShape shape, SessionSettings settings) => throw new NotSupportedException();
}
