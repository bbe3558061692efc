namespace InferenceApi.Core.Backends;

/// <summary>The runtime refused a model file or failed to run a batch; the message is shown to operators as is.</summary>
public sealed class BackendException : Exception
{
    public BackendException(string message)
        : base(message)
    {
    }

    public BackendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
