namespace InferenceApi.Core.Templating;

/// <summary>
/// A Jinja template parsed once (a model's chat template) and rendered per request: the subset real chat templates
/// use, with the whitespace rules Hugging Face renders them with. Thread-safe: rendering keeps no state in the template.
/// </summary>
public sealed class JinjaTemplate
{
    /// <summary>Default bound on a rendering's length (characters), far above any prompt a model takes.</summary>
    public const int DefaultMaxOutputLength = 4_000_000;

    /// <summary>Default bound on loop iterations in one rendering.</summary>
    public const int DefaultMaxIterations = 1_000_000;

    private readonly List<JinjaNode> _nodes;

    private JinjaTemplate(string source, List<JinjaNode> nodes)
    {
        Source = source;
        _nodes = nodes;
    }

    public string Source { get; }

    /// <exception cref="TemplateException">The template is malformed or uses a tag this renderer does not run.</exception>
    public static JinjaTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new JinjaTemplate(source, JinjaParser.Parse(source));
    }

    /// <summary>Renders with <paramref name="variables"/> (converted from .NET values: see <see cref="JinjaContext"/>).</summary>
    /// <exception cref="TemplateException">Rendering failed, the template raised, or it ran past a bound.</exception>
    public string Render(JinjaContext variables, int maxOutputLength = DefaultMaxOutputLength, int maxIterations = DefaultMaxIterations)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var globals = JinjaMethods.Globals(variables.Time);
        foreach ((string name, object? value) in variables.Values)
        {
            globals[name] = value;
        }

        return JinjaEvaluator.Render(_nodes, globals, maxOutputLength, maxIterations);
    }
}
