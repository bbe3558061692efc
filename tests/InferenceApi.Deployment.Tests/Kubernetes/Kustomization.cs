using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using YamlDotNet.RepresentationModel;

namespace InferenceApi.Deployment.Tests.Kubernetes;

/// <summary>
/// Renders a kustomization folder the way <c>kubectl apply -k</c> would, for the features the manifests use:
/// <c>resources</c> (files and folders), <c>components</c>, <c>namespace</c>, <c>images</c> and JSON 6902
/// <c>patches</c> with a kind/name target. Any other field fails, so an overlay cannot rely on something these
/// tests would silently skip. There is no kubectl in CI; the output was compared once with
/// <c>kubectl kustomize</c> 5.5.0 and is identical for both overlays (deploy/README.md).
/// </summary>
public static class Kustomization
{
    private static readonly HashSet<string> Supported = ["apiVersion", "kind", "resources", "components", "namespace", "images", "patches"];

    /// <summary>Kinds that have no namespace, which the namespace field leaves alone.</summary>
    private static readonly HashSet<string> ClusterScoped = ["Namespace", "ClusterServingRuntime", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition"];

    public static IReadOnlyList<Manifest> Render(string folder)
    {
        var manifests = new List<Manifest>();
        Build(Path.GetFullPath(folder), manifests, expectComponent: false);
        var duplicate = manifests.GroupBy(m => (m.Kind, m.Name)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"{folder} renders {duplicate.Key.Kind}/{duplicate.Key.Name} twice: {string.Join(", ", duplicate.Select(m => m.Source))}");
        }

        return manifests;
    }

    /// <summary>The files every kustomization under <paramref name="root"/> names as patches (they are not objects).</summary>
    public static IReadOnlySet<string> PatchFiles(string root) => Directory
        .EnumerateFiles(root, "kustomization.yaml", SearchOption.AllDirectories)
        .SelectMany(file => Read(file).Items("patches").Select(p => p.Text("path")).OfType<string>()
            .Select(path => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, path))))
        .ToHashSet();

    private static void Build(string folder, List<Manifest> manifests, bool expectComponent)
    {
        var file = Path.Combine(folder, "kustomization.yaml");
        var kustomization = Read(file);
        var kind = kustomization.Text("kind");
        if ((kind == "Component") != expectComponent)
        {
            throw new InvalidDataException($"{file} is a {kind} where a {(expectComponent ? "Component" : "Kustomization")} is expected");
        }

        var unknown = ((YamlMappingNode)kustomization).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Where(k => !Supported.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"{file} uses {string.Join(", ", unknown)}, which these tests do not render");
        }

        foreach (var resource in kustomization.Items("resources").Select(r => Path.GetFullPath(Path.Combine(folder, ((YamlScalarNode)r).Value!))))
        {
            if (Directory.Exists(resource))
            {
                Build(resource, manifests, expectComponent: false);
            }
            else
            {
                manifests.AddRange(YamlTree.LoadAll(resource).Select(node => new Manifest(resource, (YamlMappingNode)node)));
            }
        }

        foreach (var component in kustomization.Items("components").Select(c => Path.GetFullPath(Path.Combine(folder, ((YamlScalarNode)c).Value!))))
        {
            Build(component, manifests, expectComponent: true);
        }

        foreach (var patch in kustomization.Items("patches"))
        {
            ApplyPatch(folder, patch, manifests);
        }

        foreach (var image in kustomization.Items("images"))
        {
            SetImage(image, manifests);
        }

        if (kustomization.Text("namespace") is { } ns)
        {
            foreach (var manifest in manifests.Where(m => !ClusterScoped.Contains(m.Kind)))
            {
                var metadata = (YamlMappingNode)manifest.Node.At("metadata")!;
                metadata.Children[new YamlScalarNode("namespace")] = new YamlScalarNode(ns);
            }
        }
    }

    private static YamlNode Read(string file) =>
        YamlTree.LoadAll(file) is [var root] ? root : throw new InvalidDataException($"{file} must hold exactly one document");

    private static void ApplyPatch(string folder, YamlNode patch, List<Manifest> manifests)
    {
        var source = patch.Text("path") is { } path ? Path.Combine(folder, path) : $"{folder}/kustomization.yaml";
        var body = patch.Text("path") is not null ? Read(source) : ParseInline(patch.Text("patch") ?? string.Empty);
        if (body is not YamlSequenceNode operations)
        {
            throw new InvalidDataException($"{source}: only JSON 6902 patches (a list of operations) are rendered by these tests");
        }

        var kind = patch.Text("target", "kind");
        var name = patch.Text("target", "name");
        var targets = manifests.Where(m => (kind is null || m.Kind == kind) && (name is null || m.Name == name)).ToList();
        if (targets.Count == 0)
        {
            throw new InvalidDataException($"{source}: no {kind}/{name} to patch");
        }

        foreach (var target in targets)
        {
            JsonPatch.Apply(target.Node, operations, source);
        }
    }

    private static void SetImage(YamlNode image, List<Manifest> manifests)
    {
        var name = image.Text("name")!;
        var containers = manifests.SelectMany(m => new[] { "containers", "initContainers" }.SelectMany(list => m.Node.Items("spec", "template", "spec", list)));
        foreach (var container in containers.OfType<YamlMappingNode>())
        {
            var current = container.Text("image") ?? string.Empty;
            var tagAt = current.LastIndexOf(':');
            var (repository, tag) = tagAt > current.LastIndexOf('/') ? (current[..tagAt], current[(tagAt + 1)..]) : (current, null);
            if (repository == name)
            {
                var newTag = image.Text("newTag") ?? tag;
                container.Children[new YamlScalarNode("image")] = new YamlScalarNode((image.Text("newName") ?? repository) + (newTag is null ? string.Empty : ":" + newTag));
            }
        }
    }

    private static YamlNode ParseInline(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents[0].RootNode;
    }
}
