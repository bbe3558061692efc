using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using YamlDotNet.RepresentationModel;

namespace InferenceApi.Deployment.Tests.Kubernetes;

/// <summary>One Kubernetes object as written (or as an overlay renders it), with the file it came from.</summary>
public sealed record Manifest(string Source, YamlMappingNode Node)
{
    public string ApiVersion => Node.Text("apiVersion") ?? throw new InvalidDataException($"{Source}: an object without apiVersion");

    public string Kind => Node.Text("kind") ?? throw new InvalidDataException($"{Source}: an object without kind");

    public string Name => Node.Text("metadata", "name") ?? throw new InvalidDataException($"{Source}: a {Kind} without metadata.name");

    public string? Namespace => Node.Text("metadata", "namespace");

    public override string ToString() => $"{Kind}/{Name} ({Source})";
}
