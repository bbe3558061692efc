namespace InferenceApi.Core.Models;

/// <summary>A model folder cannot be served; the message is the refusal reason shown in <c>/v1/models</c>.</summary>
public sealed class ModelFolderException : Exception
{
    public ModelFolderException(string message)
        : base(message)
    {
    }

    public ModelFolderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
