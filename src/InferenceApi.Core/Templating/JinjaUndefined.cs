namespace InferenceApi.Core.Templating;

/// <summary>A name or attribute the context does not have: prints as nothing, is false, and has only more undefined attributes (as Hugging Face's renderers treat it).</summary>
internal sealed class JinjaUndefined
{
    public static JinjaUndefined Instance { get; } = new();

    private JinjaUndefined()
    {
    }
}
