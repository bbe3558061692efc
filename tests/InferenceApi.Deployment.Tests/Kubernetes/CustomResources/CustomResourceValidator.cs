using System.Text.RegularExpressions;
using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using YamlDotNet.RepresentationModel;

namespace InferenceApi.Deployment.Tests.Kubernetes.CustomResources;

/// <summary>
/// Checks a custom resource against its schema as an API server with the CRD installed would: known fields
/// only, required fields present, JSON types, enums and patterns; embedded Kubernetes types (containers,
/// label selectors, HPA behaviour, metadata) are loaded strictly into their KubernetesClient models.
/// </summary>
public static class CustomResourceValidator
{
    public static IReadOnlyList<string> Validate(YamlNode node, FieldSchema schema, string path)
    {
        var errors = new List<string>();
        Check(node, schema, path, errors);
        return errors;
    }

    private static void Check(YamlNode node, FieldSchema schema, string path, List<string> errors)
    {
        switch (schema.Kind)
        {
            case FieldKind.Object:
                CheckObject(node, schema, path, errors);
                break;
            case FieldKind.AnyObject:
                Expect(node is YamlMappingNode, path, "an object", errors);
                break;
            case FieldKind.Array when node is YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Check(sequence.Children[i], schema.Items!, $"{path}[{i}]", errors);
                }

                break;
            case FieldKind.Array:
                errors.Add($"{path}: expected a list");
                break;
            case FieldKind.StringMap when node is YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    Expect(value is YamlScalarNode s && YamlTree.TypeOf(s) == ScalarType.String, $"{path}.{key}", "a string (quote it)", errors);
                }

                break;
            case FieldKind.StringMap:
                errors.Add($"{path}: expected a map of strings");
                break;
            case FieldKind.Core:
                KubernetesModels.Load(node, schema.CoreType!, path, errors);
                break;
            default:
                CheckScalar(node, schema, path, errors);
                break;
        }
    }

    private static void CheckObject(YamlNode node, FieldSchema schema, string path, List<string> errors)
    {
        if (node is not YamlMappingNode mapping)
        {
            errors.Add($"{path}: expected an object");
            return;
        }

        var inlineNames = schema.InlineType is null ? null : schema.InlineFields ?? KubernetesModels.FieldNames(schema.InlineType);
        var inline = new YamlMappingNode();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            if (schema.Properties.TryGetValue(key, out var property))
            {
                Check(value, property, $"{path}.{key}", errors);
            }
            else if (inlineNames?.Contains(key) == true)
            {
                inline.Children.Add(keyNode, value);
            }
            else
            {
                errors.Add($"{path}: unknown field '{key}' (known: {string.Join(", ", schema.Properties.Keys.Concat(inlineNames ?? new HashSet<string>()).Order(StringComparer.Ordinal))})");
            }
        }

        foreach (var required in schema.Required.Where(r => !mapping.Children.ContainsKey(new YamlScalarNode(r))))
        {
            errors.Add($"{path}: required field '{required}' is missing");
        }

        if (inline.Children.Count > 0)
        {
            KubernetesModels.Load(inline, schema.InlineType!, $"{path} ({schema.InlineType!.Name} fields)", errors);
        }
    }

    private static void CheckScalar(YamlNode node, FieldSchema schema, string path, List<string> errors)
    {
        if (node is not YamlScalarNode scalar)
        {
            errors.Add($"{path}: expected a {schema.Kind.ToString().ToLowerInvariant()}");
            return;
        }

        var type = YamlTree.TypeOf(scalar);
        var fits = schema.Kind switch
        {
            FieldKind.String => type == ScalarType.String,
            FieldKind.Integer => type == ScalarType.Integer,
            FieldKind.Boolean => type == ScalarType.Boolean,
            FieldKind.IntOrString => type is ScalarType.Integer or ScalarType.String,
            _ => false,
        };
        if (!fits)
        {
            errors.Add($"{path}: '{scalar.Value}' is a {type.ToString().ToLowerInvariant()}, the schema says {schema.Kind.ToString().ToLowerInvariant()}");
        }
        else if (schema.Enum is { } values && !values.Contains(scalar.Value))
        {
            errors.Add($"{path}: '{scalar.Value}' is not one of {string.Join(", ", values)}");
        }
        else if (schema.Pattern is { } pattern && !Regex.IsMatch(scalar.Value ?? string.Empty, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{path}: '{scalar.Value}' does not match {pattern}");
        }
    }

    private static void Expect(bool condition, string path, string what, List<string> errors)
    {
        if (!condition)
        {
            errors.Add($"{path}: expected {what}");
        }
    }
}
