using System.Collections;
using System.Reflection;
using System.Text.Json.Serialization;
using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace InferenceApi.Deployment.Tests.Kubernetes;

/// <summary>
/// Loads manifests into KubernetesClient's typed models strictly: a field the model does not have fails (the
/// API server would drop or refuse it), and so does a scalar of the wrong JSON type, such as a quoted number
/// for a port or an unquoted number for an env value, which YamlDotNet alone would convert silently.
/// </summary>
public static class KubernetesModels
{
    private static readonly Dictionary<string, Type> BuiltIn = typeof(V1Deployment).Assembly.GetTypes()
        .Select(type => (type, entity: type.GetCustomAttribute<KubernetesEntityAttribute>()))
        .Where(t => t.entity is not null)
        .GroupBy(t => Key(t.entity!))
        .ToDictionary(g => g.Key, g => g.First().type);

    private static readonly MethodInfo DeserializeMethod = typeof(KubernetesYaml).GetMethods()
        .Single(m => m.Name == nameof(KubernetesYaml.Deserialize) && m.GetParameters() is [{ ParameterType: var p }, _] && p == typeof(string));

    public static bool IsBuiltIn(Manifest manifest) => BuiltIn.ContainsKey($"{manifest.ApiVersion}/{manifest.Kind}");

    /// <summary>The manifest as its typed model; throws with every problem found when it does not fit.</summary>
    public static object Load(Manifest manifest)
    {
        if (!BuiltIn.TryGetValue($"{manifest.ApiVersion}/{manifest.Kind}", out var type))
        {
            throw new InvalidDataException($"{manifest}: {manifest.ApiVersion} {manifest.Kind} is not a Kubernetes built-in kind");
        }

        var errors = new List<string>();
        var model = Load(manifest.Node, type, manifest.Kind, errors);
        return errors.Count == 0 ? model! : throw new InvalidDataException($"{manifest}:\n  {string.Join("\n  ", errors)}");
    }

    public static T Load<T>(Manifest manifest) => (T)Load(manifest);

    /// <summary>Loads a node into <paramref name="type"/> strictly; problems go to <paramref name="errors"/>.</summary>
    public static object? Load(YamlNode node, Type type, string path, List<string> errors)
    {
        CheckScalars(node, type, path, errors);
        try
        {
            return DeserializeMethod.MakeGenericMethod(type).Invoke(null, [YamlTree.Write(node), true]);
        }
        catch (TargetInvocationException e) when (e.InnerException is YamlException or FormatException)
        {
            errors.Add($"{path}: {Describe(e.InnerException)}");
            return null;
        }
    }

    /// <summary>The JSON names of a model's properties (what a strict load accepts).</summary>
    public static IReadOnlySet<string> FieldNames(Type type) => type.GetProperties()
        .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name).OfType<string>().ToHashSet();

    private static string Key(KubernetesEntityAttribute entity) =>
        $"{(string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}")}/{entity.Kind}";

    private static string Describe(Exception e) =>
        e.InnerException is { } inner && e.Message.StartsWith("Exception during deserialization", StringComparison.Ordinal) ? $"{e.Message}: {inner.Message}" : e.Message;

    private static void CheckScalars(YamlNode node, Type type, string path, List<string> errors)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(IntOrString) || type == typeof(ResourceQuantity) || type == typeof(object))
        {
            return;
        }

        switch (node)
        {
            case YamlScalarNode scalar:
                var actual = YamlTree.TypeOf(scalar);
                var expected = type == typeof(string) ? ScalarType.String
                    : type == typeof(bool) ? ScalarType.Boolean
                    : type == typeof(int) || type == typeof(long) ? ScalarType.Integer
                    : type == typeof(double) ? ScalarType.Number
                    : (ScalarType?)null;
                var fits = expected is null || actual == expected || actual == ScalarType.Null || (expected == ScalarType.Number && actual == ScalarType.Integer);
                if (!fits)
                {
                    errors.Add($"{path}: '{scalar.Value}' is a {actual.ToString().ToLowerInvariant()} where the API expects a {expected.ToString()!.ToLowerInvariant()}{(expected == ScalarType.String ? " (quote it)" : string.Empty)}");
                }

                break;
            case YamlSequenceNode sequence when ElementType(type, typeof(IList<>)) is { } item:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    CheckScalars(sequence.Children[i], item, $"{path}[{i}]", errors);
                }

                break;
            case YamlMappingNode mapping when ElementType(type, typeof(IDictionary<,>)) is { } value:
                foreach (var (key, child) in mapping.Children)
                {
                    CheckScalars(child, value, $"{path}.{key}", errors);
                }

                break;
            case YamlMappingNode mapping:
                var properties = type.GetProperties().Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
                    .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, p => p.PropertyType);
                foreach (var (key, child) in mapping.Children)
                {
                    if (properties.TryGetValue(((YamlScalarNode)key).Value!, out var propertyType))
                    {
                        CheckScalars(child, propertyType, $"{path}.{key}", errors);
                    }
                }

                break;
        }
    }

    private static Type? ElementType(Type type, Type generic)
    {
        var match = type.IsGenericType && type.GetGenericTypeDefinition() == generic ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);
        return match?.GetGenericArguments()[^1] is { } element && (generic != typeof(IList<>) || typeof(IEnumerable).IsAssignableFrom(type)) ? element : null;
    }
}
