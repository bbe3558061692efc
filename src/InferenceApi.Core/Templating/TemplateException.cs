namespace InferenceApi.Core.Templating;

/// <summary>
/// A chat template cannot be parsed or rendered. <see cref="Kind"/> says whether the template is malformed, uses a part
/// of Jinja this renderer does not run, failed while rendering, or raised on purpose (<c>raise_exception</c>, whose
/// message is the template's own, meant for the client).
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException()
    {
    }

    public TemplateException(string message)
        : base(message)
    {
    }

    public TemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TemplateException(TemplateErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public TemplateErrorKind Kind { get; }
}
