using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace InferenceApi.Deployment.Tests.Kubernetes.Yaml;

/// <summary>
/// Reading, copying and writing YAML documents as YamlDotNet's representation model, which keeps each
/// scalar's quoting: <c>"2"</c> stays a string and <c>2</c> a number when a document is written back out
/// for KubernetesClient's strict loader.
/// </summary>
public static class YamlTree
{
    public static IReadOnlyList<YamlNode> LoadAll(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).Select(d => d.RootNode)];
    }

    public static string Write(YamlNode node)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(Clone(node))).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    public static YamlNode Clone(YamlNode node) => node switch
    {
        YamlScalarNode scalar => new YamlScalarNode(scalar.Value) { Style = scalar.Style, Tag = scalar.Tag },
        YamlSequenceNode sequence => new YamlSequenceNode(sequence.Children.Select(Clone)),
        YamlMappingNode mapping => new YamlMappingNode(mapping.Children.Select(p => new KeyValuePair<YamlNode, YamlNode>(Clone(p.Key), Clone(p.Value)))),
        _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start} (aliases are not used in the manifests)"),
    };

    /// <summary>The child at a path of mapping keys and sequence indexes, or null.</summary>
    public static YamlNode? At(this YamlNode node, params object[] path)
    {
        YamlNode? current = node;
        foreach (var step in path)
        {
            current = (current, step) switch
            {
                (YamlMappingNode mapping, string key) => mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null,
                (YamlSequenceNode sequence, int index) => index < sequence.Children.Count ? sequence.Children[index] : null,
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    public static string? Text(this YamlNode node, params object[] path) => node.At(path) is YamlScalarNode scalar ? scalar.Value : null;

    public static IEnumerable<YamlNode> Items(this YamlNode node, params object[] path) =>
        node.At(path) is YamlSequenceNode sequence ? sequence.Children : [];

    /// <summary>What a Kubernetes API server would read a scalar as (YAML 1.2 core schema; quoted means string).</summary>
    public static ScalarType TypeOf(YamlScalarNode scalar)
    {
        if (scalar.Style is not ScalarStyle.Plain and not ScalarStyle.Any)
        {
            return ScalarType.String;
        }

        var value = scalar.Value ?? string.Empty;
        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => ScalarType.Null,
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarType.Boolean,
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) => ScalarType.Integer,
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => ScalarType.Number,
            _ => ScalarType.String,
        };
    }
}
