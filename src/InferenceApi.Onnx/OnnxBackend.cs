using InferenceApi.Core.Backends;

namespace InferenceApi.Onnx;

/// <summary>ONNX Runtime behind Core's <see cref="IInferenceBackend"/>.</summary>
public sealed class OnnxBackend(OnnxSessionFactory sessions) : IInferenceBackend
{
    public ModelSignature ReadSignature(string modelFile) => OnnxSessionFactory.ReadSignature(modelFile);

    public IEncoderSession OpenEncoder(string modelFile, string outputName, SessionSettings settings)
    {
        var (session, placement) = sessions.Open(modelFile, settings);
        return new OnnxEncoderSession(session, placement, outputName);
    }

    public IImageSession OpenImageClassifier(string modelFile, SessionSettings settings)
    {
        var (session, placement) = sessions.Open(modelFile, settings);
        return new OnnxImageSession(session, placement);
    }

    public ITensorSession OpenTensorSession(string modelFile, SessionSettings settings)
    {
        var (session, placement) = sessions.Open(modelFile, settings);
        return new OnnxTensorSession(session, placement);
    }

    public IDecoderSession OpenDecoder(string modelFile, DecoderShape shape, SessionSettings settings)
    {
        var (session, placement) = sessions.Open(modelFile, settings, SessionRole.DecodeLoop);
        return new OnnxDecoderSession(session, placement, shape);
    }
}
