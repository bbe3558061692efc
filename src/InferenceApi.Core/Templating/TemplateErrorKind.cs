namespace InferenceApi.Core.Templating;

/// <summary>Why a template failed: <see cref="Raised"/> is the template's own <c>raise_exception</c>.</summary>
public enum TemplateErrorKind
{
    Syntax,
    Unsupported,
    Runtime,
    Raised,
    TooLarge,
}
