namespace InferenceApi.Onnx.Graphs;

/// <summary>An ONNX graph does not have the shape a graph rewrite needs; the message says what was expected and what was found.</summary>
public sealed class OnnxGraphException : Exception
{
    public OnnxGraphException()
    {
    }

    public OnnxGraphException(string message)
        : base(message)
    {
    }

    public OnnxGraphException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
