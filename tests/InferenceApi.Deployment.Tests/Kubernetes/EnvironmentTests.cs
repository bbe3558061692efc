using InferenceApi.Deployment.Tests.Infrastructure;
using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using k8s.Models;

namespace InferenceApi.Deployment.Tests.Kubernetes;

public sealed class EnvironmentTests
{
    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public async Task ApiContainer_EveryEnvironmentVariable_IsAConfigurationKeyTheServerBinds(string overlay)
    {
        var rendered = Manifests.Render(overlay);
        var container = rendered.Load<V1Deployment>("Deployment", "inference-api").Spec.Template.Spec.Containers.Single();

        await using var server = await EnvironmentBinding.StartAsync(Manifests.Environment(container, rendered));

        Assert.Empty(server.Problems());
    }

    [Fact]
    public async Task ServingRuntimeContainer_EveryEnvironmentVariable_IsAConfigurationKeyTheServerBinds()
    {
        var runtime = Manifests.Files().Find("ClusterServingRuntime", "inference-api");
        var container = (V1Container)KubernetesModels.Load(runtime.Node.Items("spec", "containers").Single(), typeof(V1Container), "container", [])!;

        await using var server = await EnvironmentBinding.StartAsync(Manifests.Environment(container, []));

        Assert.Empty(server.Problems());
    }

    [Fact]
    public async Task EnvironmentBinding_NamesTheServerWouldIgnore_AreEachReported()
    {
        (string, string)[] environment =
        [
            ("Models__PollInterval", "500"),
            ("Moodels__Path", "/models"),
            ("Cache__Redis", "redis:6379"),
            ("ASPNETCORE_HTTP_PORT", "8080"),
            ("Models__VersionsToServe", "2"),
        ];

        await using var server = await EnvironmentBinding.StartAsync(environment);
        var problems = server.Problems();

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Models__PollInterval:", StringComparison.Ordinal) && p.Contains("were not found", StringComparison.Ordinal) && p.EndsWith("'PollInterval'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Moodels__Path: the server binds no options section 'Moodels'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Cache__Redis:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("ASPNETCORE_HTTP_PORT: not a web host setting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnvironmentBinding_ValueTheOptionsRefuse_IsReported()
    {
        await using var server = await EnvironmentBinding.StartAsync([("Models__PollIntervalMs", "10")]);

        Assert.Contains("the server does not start", Assert.Single(server.Problems()), StringComparison.Ordinal);
    }
}
