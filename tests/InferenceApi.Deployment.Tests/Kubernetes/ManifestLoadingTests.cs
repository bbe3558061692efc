using InferenceApi.Deployment.Tests.Kubernetes.CustomResources;
using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using YamlDotNet.RepresentationModel;

namespace InferenceApi.Deployment.Tests.Kubernetes;

public sealed class ManifestLoadingTests
{
    [Fact]
    public void ManifestFiles_EveryObject_LoadsStrictlyIntoItsModelOrSchema()
    {
        var manifests = Manifests.Files();

        Assert.Contains(manifests, m => m.Kind == "Deployment");
        Assert.Contains(manifests, m => m.Kind == "ClusterServingRuntime");
        Assert.All(manifests, AssertValid);
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void Overlay_Rendered_EveryObjectLoadsStrictly(string overlay)
    {
        var rendered = Manifests.Render(overlay);

        Assert.Equal(
            ["Deployment/inference-api", "Deployment/inference-api-redis", "Namespace/inference", "PersistentVolumeClaim/inference-api-models",
             "PodDisruptionBudget/inference-api", "ScaledObject/inference-api", "Secret/inference-api-cache", "Service/inference-api",
             "Service/inference-api-redis", "ServiceMonitor/inference-api"],
            rendered.Select(m => $"{m.Kind}/{m.Name}").Order(StringComparer.Ordinal));
        Assert.All(rendered, AssertValid);
        Assert.All(rendered.Where(m => m.Kind != "Namespace"), m => Assert.Equal("inference", m.Namespace));
    }

    [Fact]
    public void StrictLoading_FieldTheModelLacks_Fails()
    {
        var deployment = Mutate(Manifests.Files().Find("Deployment", "inference-api"), "/spec/template/spec/containers/0/readinessProbes", "{}");

        var error = Assert.Throws<InvalidDataException>(() => KubernetesModels.Load(deployment));

        Assert.Contains("readinessProbes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StrictLoading_QuotedPortNumber_Fails()
    {
        var deployment = Mutate(Manifests.Files().Find("Deployment", "inference-api"), "/spec/template/spec/containers/0/ports/0/containerPort", "\"8080\"");

        var error = Assert.Throws<InvalidDataException>(() => KubernetesModels.Load(deployment));

        Assert.Contains("containerPort: '8080' is a string where the API expects a integer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StrictLoading_UnquotedNumberAsEnvValue_Fails()
    {
        var deployment = Mutate(Manifests.Files().Find("Deployment", "inference-api"), "/spec/template/spec/containers/0/env/0/value", "8080");

        var error = Assert.Throws<InvalidDataException>(() => KubernetesModels.Load(deployment));

        Assert.Contains("value: '8080' is a integer where the API expects a string (quote it)", error.Message, StringComparison.Ordinal);
    }

    internal static void AssertValid(Manifest manifest)
    {
        if (KubernetesModels.IsBuiltIn(manifest))
        {
            Assert.NotNull(KubernetesModels.Load(manifest));
        }
        else
        {
            Assert.True(KnownCustomResources.IsKnown(manifest), $"{manifest}: {manifest.ApiVersion} {manifest.Kind} is neither built in nor a known custom resource");
            Assert.Empty(KnownCustomResources.Validate(manifest));
        }
    }

    /// <summary>A copy of <paramref name="manifest"/> with one JSON patch <c>add</c> (or replace) applied.</summary>
    internal static Manifest Mutate(Manifest manifest, string path, string valueYaml, string op = "add")
    {
        var copy = (YamlMappingNode)YamlTree.Clone(manifest.Node);
        var patch = new YamlStream();
        patch.Load(new StringReader($"- op: {op}\n  path: {path}\n" + (op == "remove" ? string.Empty : $"  value: {valueYaml}\n")));
        JsonPatch.Apply(copy, (YamlSequenceNode)patch.Documents[0].RootNode, "test");
        return manifest with { Node = copy };
    }
}
