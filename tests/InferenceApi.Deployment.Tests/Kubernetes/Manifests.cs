using System.Text;
using InferenceApi.Deployment.Tests.Infrastructure;
using k8s.Models;

namespace InferenceApi.Deployment.Tests.Kubernetes;

/// <summary>The manifests under deploy/kubernetes: as files, and as the overlays render them.</summary>
public static class Manifests
{
    public static TheoryData<string> Overlays { get; } = ["cpu", "gpu"];

    /// <summary>Every object in every YAML file that is not a kustomization or a patch.</summary>
    public static IReadOnlyList<Manifest> Files()
    {
        var patches = Kustomization.PatchFiles(DeployPaths.Kubernetes);
        return Directory.EnumerateFiles(DeployPaths.Kubernetes, "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml" && !patches.Contains(Path.GetFullPath(f)))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => Yaml.YamlTree.LoadAll(f).Select(node => new Manifest(f, (YamlDotNet.RepresentationModel.YamlMappingNode)node)))
            .ToList();
    }

    public static IReadOnlyList<Manifest> Render(string overlay) => Kustomization.Render(DeployPaths.Overlay(overlay));

    public static Manifest Find(this IEnumerable<Manifest> manifests, string kind, string name) =>
        manifests.SingleOrDefault(m => m.Kind == kind && m.Name == name) ?? throw new InvalidDataException($"no {kind}/{name}");

    public static T Load<T>(this IEnumerable<Manifest> manifests, string kind, string name) => KubernetesModels.Load<T>(manifests.Find(kind, name));

    /// <summary>The API server's Deployment in an overlay.</summary>
    public static V1Deployment ApiDeployment(string overlay) => Render(overlay).Load<V1Deployment>("Deployment", "inference-api");

    /// <summary>A container's environment with values from Secrets in <paramref name="manifests"/> where it refers to one.</summary>
    public static IReadOnlyList<(string Name, string Value)> Environment(V1Container container, IEnumerable<Manifest> manifests) =>
        (container.Env ?? []).Select(e => (e.Name, e.Value ?? SecretValue(e.ValueFrom?.SecretKeyRef, manifests))).ToList();

    private static string SecretValue(V1SecretKeySelector? selector, IEnumerable<Manifest> manifests)
    {
        ArgumentNullException.ThrowIfNull(selector, "env var without value or secretKeyRef");
        var secret = manifests.Load<V1Secret>("Secret", selector.Name);
        return secret.StringData?.TryGetValue(selector.Key, out var text) == true ? text
            : secret.Data?.TryGetValue(selector.Key, out var bytes) == true ? Encoding.UTF8.GetString(bytes)
            : throw new InvalidDataException($"Secret/{selector.Name} has no key {selector.Key}");
    }
}
