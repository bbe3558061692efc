using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace InferenceApi.Deployment.Tests.Kubernetes.Yaml;

/// <summary>
/// RFC 6902 <c>add</c>, <c>replace</c> and <c>remove</c> on a YAML tree, as kustomize applies a JSON patch
/// written in YAML. Paths are RFC 6901 pointers (<c>~1</c> is a slash, <c>-</c> appends to a list).
/// </summary>
public static class JsonPatch
{
    public static void Apply(YamlMappingNode target, YamlSequenceNode operations, string source)
    {
        foreach (var operation in operations.Children)
        {
            var op = operation.Text("op") ?? throw new InvalidDataException($"{source}: a patch operation without op");
            var path = operation.Text("path") ?? throw new InvalidDataException($"{source}: a {op} without path");
            var steps = path.Split('/').Skip(1).Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
            var parent = steps[..^1].Aggregate((YamlNode)target, (node, step) => Step(node, step) ?? throw new InvalidDataException($"{source}: {path} does not exist"));
            var last = steps[^1];
            switch (op)
            {
                case "add":
                    Add(parent, last, Value(operation, source, path));
                    break;
                case "replace":
                    Remove(parent, last, source, path);
                    Add(parent, last, Value(operation, source, path));
                    break;
                case "remove":
                    Remove(parent, last, source, path);
                    break;
                default:
                    throw new InvalidDataException($"{source}: patch op '{op}' is not one the tests apply (add, replace, remove)");
            }
        }
    }

    private static YamlNode Value(YamlNode operation, string source, string path) =>
        YamlTree.Clone(operation.At("value") ?? throw new InvalidDataException($"{source}: {path} has no value"));

    private static YamlNode? Step(YamlNode node, string step) => node switch
    {
        YamlMappingNode mapping => mapping.Children.TryGetValue(new YamlScalarNode(step), out var child) ? child : null,
        YamlSequenceNode sequence when int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < sequence.Children.Count => sequence.Children[index],
        _ => null,
    };

    private static void Add(YamlNode parent, string key, YamlNode value)
    {
        switch (parent)
        {
            case YamlMappingNode mapping:
                mapping.Children[new YamlScalarNode(key)] = value;
                break;
            case YamlSequenceNode sequence when key == "-":
                sequence.Children.Add(value);
                break;
            case YamlSequenceNode sequence:
                sequence.Children.Insert(int.Parse(key, CultureInfo.InvariantCulture), value);
                break;
            default:
                throw new InvalidDataException($"cannot add '{key}' under a scalar");
        }
    }

    private static void Remove(YamlNode parent, string key, string source, string path)
    {
        var removed = parent switch
        {
            YamlMappingNode mapping => mapping.Children.Remove(new YamlScalarNode(key)),
            YamlSequenceNode sequence when int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < sequence.Children.Count
                => RemoveAt(sequence, index),
            _ => false,
        };
        if (!removed)
        {
            throw new InvalidDataException($"{source}: {path} does not exist");
        }
    }

    private static bool RemoveAt(YamlSequenceNode sequence, int index)
    {
        sequence.Children.RemoveAt(index);
        return true;
    }
}
