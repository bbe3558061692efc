namespace InferenceApi.Core.Tokenization;

/// <summary>
/// A model folder's tokenizer files cannot be used. The message names the file and the problem, because the
/// model loader shows it verbatim as the reason a model is refused.
/// </summary>
public sealed class TokenizerLoadException : Exception
{
    public TokenizerLoadException()
    {
    }

    public TokenizerLoadException(string message)
        : base(message)
    {
    }

    public TokenizerLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
