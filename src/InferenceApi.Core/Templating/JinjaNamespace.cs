namespace InferenceApi.Core.Templating;

/// <summary>What <c>namespace(...)</c> makes: the one object whose attributes <c>{% set ns.attr = … %}</c> may change from inside a loop.</summary>
internal sealed class JinjaNamespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
