namespace InferenceApi.Deployment.Tests.Kubernetes.CustomResources;

/// <summary>
/// A node of a custom resource's OpenAPI schema, as much of it as the tests check: field names, types,
/// required fields, enums and patterns, written from the CRDs the projects publish (see KnownCustomResources).
/// </summary>
public sealed class FieldSchema
{
    public required FieldKind Kind { get; init; }

    public IReadOnlyDictionary<string, FieldSchema> Properties { get; init; } = new Dictionary<string, FieldSchema>();

    public IReadOnlyList<string> Required { get; init; } = [];

    public FieldSchema? Items { get; init; }

    public IReadOnlyList<string>? Enum { get; init; }

    public string? Pattern { get; init; }

    /// <summary>For <see cref="FieldKind.Core"/>: the KubernetesClient model the node must load into.</summary>
    public Type? CoreType { get; init; }

    /// <summary>
    /// For objects that inline a Kubernetes type (KServe's predictor inlines a PodSpec, its model a Container):
    /// the other keys are fields of this model, limited to <see cref="InlineFields"/> when given.
    /// </summary>
    public Type? InlineType { get; init; }

    public IReadOnlySet<string>? InlineFields { get; init; }

    public static FieldSchema String(params string[] values) => new() { Kind = FieldKind.String, Enum = values.Length > 0 ? values : null };

    public static FieldSchema Matching(string pattern) => new() { Kind = FieldKind.String, Pattern = pattern };

    public static FieldSchema Integer { get; } = new() { Kind = FieldKind.Integer };

    public static FieldSchema Bool { get; } = new() { Kind = FieldKind.Boolean };

    public static FieldSchema IntOrStr { get; } = new() { Kind = FieldKind.IntOrString };

    public static FieldSchema StringMap { get; } = new() { Kind = FieldKind.StringMap };

    public static FieldSchema AnyObject { get; } = new() { Kind = FieldKind.AnyObject };

    public static FieldSchema ArrayOf(FieldSchema items) => new() { Kind = FieldKind.Array, Items = items };

    public static FieldSchema Core<T>() => new() { Kind = FieldKind.Core, CoreType = typeof(T) };

    public static FieldSchema Object(Dictionary<string, FieldSchema> properties, params string[] required) =>
        new() { Kind = FieldKind.Object, Properties = properties, Required = required };
}
