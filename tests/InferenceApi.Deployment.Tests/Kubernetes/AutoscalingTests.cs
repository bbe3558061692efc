using System.Text.RegularExpressions;
using InferenceApi.Deployment.Tests.Infrastructure;
using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using InferenceApi.Tests.Infrastructure;
using k8s.Models;

namespace InferenceApi.Deployment.Tests.Kubernetes;

public sealed class AutoscalingTests
{
    /// <summary>PromQL words that are not metric names.</summary>
    private static readonly HashSet<string> PromQlKeywords = ["and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool"];

    /// <summary>Labels Prometheus adds to every scraped series (the ServiceMonitor's target labels), not the server.</summary>
    private static readonly HashSet<string> TargetLabels = ["namespace", "job", "pod", "service", "instance", "container", "endpoint"];

    [Fact]
    public async Task KedaQuery_NamesOnlyMetricsTheServerExports()
    {
        var query = KedaQuery(Manifests.Render("cpu"));
        var queried = MetricNames(query);
        await using var factory = new InferenceApiFactory();
        factory.AddModel(TestPaths.TinyBertClsDirectory, "tiny-bert-cls");
        factory.AddModel(Path.Combine(TestPaths.OnnxFixturesDirectory, "tiny-gpt"), "tiny-gpt");
        using var client = await factory.StartAsync();

        var exported = Regex.Matches(await client.GetStringAsync("/metrics"), @"^# TYPE (\S+) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Equal(["inference_queue_depth", "inference_waiting_sequences"], queried.Order(StringComparer.Ordinal));
        Assert.Subset(exported, queried);
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void KedaQuery_SelectsThisDeploymentsSeries_AsTheServiceMonitorLabelsThem(string overlay)
    {
        var rendered = Manifests.Render(overlay);
        var matchers = Regex.Matches(KedaQuery(rendered), @"(\w+)=""([^""]*)""").Select(m => (Label: m.Groups[1].Value, Value: m.Groups[2].Value)).ToList();

        Assert.NotEmpty(matchers);
        Assert.All(matchers, m => Assert.Contains(m.Label, TargetLabels));
        Assert.All(matchers.Where(m => m.Label == "namespace"), m => Assert.Equal(rendered.Find("ScaledObject", "inference-api").Namespace, m.Value));

        // The ServiceMonitor's job label is the Service's name.
        Assert.All(matchers.Where(m => m.Label == "job"), m => Assert.Equal(rendered.Find("Service", "inference-api").Name, m.Value));
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void Overlay_ScalesTheDeploymentWithOneAutoscaler_AboveTheDisruptionBudget(string overlay)
    {
        var rendered = Manifests.Render(overlay);
        var scaledObject = rendered.Find("ScaledObject", "inference-api");
        var budget = rendered.Load<V1PodDisruptionBudget>("PodDisruptionBudget", "inference-api");

        // KEDA owns an HPA of its own for the target: a second autoscaler would fight it.
        Assert.DoesNotContain(rendered, m => m.Kind == "HorizontalPodAutoscaler");
        Assert.Equal(("apps/v1", "Deployment"), (scaledObject.Node.Text("spec", "scaleTargetRef", "apiVersion"), scaledObject.Node.Text("spec", "scaleTargetRef", "kind")));
        Assert.NotNull(rendered.Find("Deployment", scaledObject.Node.Text("spec", "scaleTargetRef", "name")!));
        Assert.True(int.Parse(scaledObject.Node.Text("spec", "minReplicaCount")!, System.Globalization.CultureInfo.InvariantCulture) > int.Parse(budget.Spec.MaxUnavailable.Value, System.Globalization.CultureInfo.InvariantCulture),
            "a voluntary disruption must leave a replica serving");
    }

    [Fact]
    public void CpuFallback_BaseWithTheHpaComponent_ScalesTheDeploymentOnItsCpuRequest()
    {
        using var folder = new TempDirectory();
        folder.Write("kustomization.yaml", $"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: ["{DeployPaths.Base}"]
            components: ["{DeployPaths.Component("hpa-cpu")}"]
            """);

        var rendered = Kustomization.Render(folder.Path);
        var hpa = rendered.Load<V2HorizontalPodAutoscaler>("HorizontalPodAutoscaler", "inference-api");
        var deployment = rendered.Load<V1Deployment>("Deployment", hpa.Spec.ScaleTargetRef.Name);

        Assert.Equal("cpu", Assert.Single(hpa.Spec.Metrics).Resource.Name);
        Assert.True(deployment.Spec.Template.Spec.Containers.Single().Resources.Requests.ContainsKey("cpu"), "utilization is measured against the CPU request");
        Assert.DoesNotContain(rendered, m => m.Kind == "ScaledObject");
    }

    private static string KedaQuery(IReadOnlyList<Manifest> rendered) =>
        rendered.Find("ScaledObject", "inference-api").Node.Items("spec", "triggers").Single(t => t.Text("type") == "prometheus").Text("metadata", "query")!;

    /// <summary>Identifiers of a PromQL expression that are neither functions, keywords, numbers nor label matchers.</summary>
    private static HashSet<string> MetricNames(string query)
    {
        var withoutMatchers = Regex.Replace(query, @"\{[^}]*\}", " ");
        return Regex.Matches(withoutMatchers, @"(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])(?!\s*\()")
            .Select(m => m.Groups[1].Value)
            .Where(name => !PromQlKeywords.Contains(name))
            .ToHashSet();
    }
}
