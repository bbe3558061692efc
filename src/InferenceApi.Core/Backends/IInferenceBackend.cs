namespace InferenceApi.Core.Backends;

/// <summary>
/// The runtime behind the server (ONNX Runtime in production). Core asks it only for signatures and
/// sessions; no runtime type crosses this line.
/// </summary>
public interface IInferenceBackend
{
    /// <summary>Reads a model file's inputs and outputs. Throws <see cref="BackendException"/> when the file is not a loadable model.</summary>
    ModelSignature ReadSignature(string modelFile);

    /// <summary>Opens a session for a BERT-family encoder. Throws <see cref="BackendException"/> on failure.</summary>
    IEncoderSession OpenEncoder(string modelFile, string outputName, SessionSettings settings);

    /// <summary>Opens a session for a ViT-style image classifier. Throws <see cref="BackendException"/> on failure.</summary>
    IImageSession OpenImageClassifier(string modelFile, SessionSettings settings);

    /// <summary>
    /// Opens a session for a decoder with past key/values, fed as <paramref name="shape"/> (read by
    /// <c>DecoderSignature</c> from the graph and config.json) says. Throws <see cref="BackendException"/> on failure.
    /// </summary>
    IDecoderSession OpenDecoder(string modelFile, DecoderShape shape, SessionSettings settings);

    /// <summary>Opens a session for any graph, run on raw tensors (the tensor task). Throws <see cref="BackendException"/> on failure.</summary>
    ITensorSession OpenTensorSession(string modelFile, SessionSettings settings) =>
        throw new BackendException($"this backend cannot run {Path.GetFileName(modelFile)} as raw tensors");
}
