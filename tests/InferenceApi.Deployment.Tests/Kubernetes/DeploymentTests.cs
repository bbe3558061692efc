using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InferenceApi.Hosting;
using InferenceApi.Deployment.Tests.Infrastructure;
using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using k8s.Models;
using Microsoft.Extensions.Hosting;

namespace InferenceApi.Deployment.Tests.Kubernetes;

public sealed class DeploymentTests(RouteTable routes) : IClassFixture<RouteTable>
{
    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public async Task Probes_PathsAreRoutesOfTheServer_OnItsHttpPort(string overlay)
    {
        var container = Manifests.ApiDeployment(overlay).Spec.Template.Spec.Containers.Single();

        Assert.Equal("/health/live", container.StartupProbe.HttpGet.Path);
        Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
        foreach (var probe in new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe })
        {
            Assert.Contains(probe.HttpGet.Path, routes.GetRoutes);
            Assert.Equal(HttpStatusCode.OK, (await routes.Client.GetAsync(probe.HttpGet.Path)).StatusCode);
            Assert.Equal(container.Ports.Single().Name, probe.HttpGet.Port.Value);
        }
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void ContainerPort_IsTheServersHttpPort_AsTheImageSetsIt(string overlay)
    {
        var rendered = Manifests.Render(overlay);
        var pod = rendered.Load<V1Deployment>("Deployment", "inference-api").Spec.Template;
        var container = pod.Spec.Containers.Single();
        var imagePort = Regex.Match(File.ReadAllText(DeployPaths.Dockerfile), @"ASPNETCORE_HTTP_PORTS=(\d+)").Groups[1].Value;
        var service = rendered.Load<V1Service>("Service", "inference-api").Spec.Ports.Single();

        Assert.Equal(imagePort, container.Env.Single(e => e.Name == "ASPNETCORE_HTTP_PORTS").Value);
        Assert.Equal(int.Parse(imagePort, CultureInfo.InvariantCulture), container.Ports.Single().ContainerPort);
        Assert.Equal(container.Ports.Single().Name, service.TargetPort.Value);
        Assert.Equal(imagePort, pod.Metadata.Annotations["prometheus.io/port"]);
        Assert.Contains(pod.Metadata.Annotations["prometheus.io/path"], routes.GetRoutes);
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public async Task GracePeriod_ExceedsTheServersWholeStop_DrainDelayIncluded_AndNoPreStopHookDuplicatesTheDelay(string overlay)
    {
        var rendered = Manifests.Render(overlay);
        var pod = rendered.Load<V1Deployment>("Deployment", "inference-api").Spec.Template.Spec;
        var container = pod.Containers.Single();
        await using var server = await EnvironmentBinding.StartAsync(Manifests.Environment(container, rendered));
        var delaySeconds = server.Options<ShutdownOptions>().DrainDelaySeconds;
        var stopSeconds = server.Options<HostOptions>().ShutdownTimeout.TotalSeconds;

        // Readiness must fail before the listener closes, long enough for the Service to drop the pod: one probe period at least.
        Assert.True(delaySeconds >= container.ReadinessProbe.PeriodSeconds, $"Shutdown__DrainDelaySeconds {delaySeconds} s is shorter than the readiness probe period {container.ReadinessProbe.PeriodSeconds} s");
        Assert.True(delaySeconds < stopSeconds, $"Shutdown__DrainDelaySeconds {delaySeconds} s leaves no drain within the host's {stopSeconds} s shutdown timeout");
        Assert.True(
            pod.TerminationGracePeriodSeconds > stopSeconds,
            $"terminationGracePeriodSeconds {pod.TerminationGracePeriodSeconds} must exceed the server's whole stop: the host's shutdown timeout {stopSeconds} s (drain delay {delaySeconds} s + drain)");
        Assert.Null(container.Lifecycle?.PreStop);
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void Resources_CpuRequestEqualsLimit_AndOnnxRuntimeThreadsMatchIt(string overlay)
    {
        var container = Manifests.ApiDeployment(overlay).Spec.Template.Spec.Containers.Single();
        var cpu = container.Resources.Limits["cpu"];

        Assert.Equal(cpu, container.Resources.Requests["cpu"]);
        Assert.Equal(container.Resources.Limits["memory"], container.Resources.Requests["memory"]);
        Assert.Equal(cpu.ToDecimal().ToString(CultureInfo.InvariantCulture), container.Env.Single(e => e.Name == "OnnxRuntime__IntraOpThreads").Value);
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void EveryPod_RunsUnprivilegedOnAReadOnlyRoot(string overlay)
    {
        foreach (var deployment in Manifests.Render(overlay).Where(m => m.Kind == "Deployment").Select(KubernetesModels.Load<V1Deployment>))
        {
            var pod = deployment.Spec.Template.Spec;
            Assert.True(pod.SecurityContext.RunAsNonRoot);
            Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
            Assert.False(pod.AutomountServiceAccountToken);
            foreach (var container in pod.Containers)
            {
                Assert.True(container.SecurityContext.ReadOnlyRootFilesystem, $"{deployment.Metadata.Name}: readOnlyRootFilesystem");
                Assert.False(container.SecurityContext.AllowPrivilegeEscalation, $"{deployment.Metadata.Name}: allowPrivilegeEscalation");
                Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void Models_MountReadOnlyFromTheClaim_AtTheModelsPath_AndTmpIsTheOnlyWritablePath(string overlay)
    {
        var rendered = Manifests.Render(overlay);
        var pod = rendered.Load<V1Deployment>("Deployment", "inference-api").Spec.Template.Spec;
        var container = pod.Containers.Single();
        var models = pod.Volumes.Single(v => v.PersistentVolumeClaim is not null);
        var modelsMount = container.VolumeMounts.Single(m => m.Name == models.Name);

        Assert.True(models.PersistentVolumeClaim.ReadOnlyProperty);
        Assert.True(modelsMount.ReadOnlyProperty);
        Assert.Equal(container.Env.Single(e => e.Name == "Models__Path").Value, modelsMount.MountPath);
        Assert.NotNull(rendered.Find("PersistentVolumeClaim", models.PersistentVolumeClaim.ClaimName));
        var writable = container.VolumeMounts.Where(m => m.ReadOnlyProperty != true).ToList();
        Assert.Equal("/tmp", Assert.Single(writable).MountPath);
        Assert.NotNull(pod.Volumes.Single(v => v.Name == writable[0].Name).EmptyDir);
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void ServiceDisruptionBudgetAndServiceMonitor_SelectThePods(string overlay)
    {
        var rendered = Manifests.Render(overlay);
        var labels = rendered.Load<V1Deployment>("Deployment", "inference-api").Spec.Template.Metadata.Labels;
        var service = rendered.Load<V1Service>("Service", "inference-api");
        var budget = rendered.Load<V1PodDisruptionBudget>("PodDisruptionBudget", "inference-api");
        var monitor = rendered.Find("ServiceMonitor", "inference-api");

        Assert.Subset(labels.ToHashSet(), service.Spec.Selector.ToHashSet());
        Assert.Subset(labels.ToHashSet(), budget.Spec.Selector.MatchLabels.ToHashSet());
        var monitorSelector = (V1LabelSelector)KubernetesModels.Load(monitor.Node.At("spec", "selector")!, typeof(V1LabelSelector), "selector", [])!;
        Assert.Subset(service.Metadata.Labels.ToHashSet(), monitorSelector.MatchLabels.ToHashSet());
        Assert.Contains(monitor.Node.Items("spec", "endpoints"), e => e.Text("port") == service.Spec.Ports.Single().Name && e.Text("path") == "/metrics");
    }

    [Theory]
    [MemberData(nameof(Manifests.Overlays), MemberType = typeof(Manifests))]
    public void RedisConnectionString_ComesFromASecretThatNamesTheRedisService(string overlay)
    {
        var rendered = Manifests.Render(overlay);
        var container = rendered.Load<V1Deployment>("Deployment", "inference-api").Spec.Template.Spec.Containers.Single();
        var reference = container.Env.Single(e => e.Name == "Cache__RedisConnectionString").ValueFrom.SecretKeyRef;
        var redis = rendered.Load<V1Service>("Service", "inference-api-redis").Spec.Ports.Single();

        Assert.Equal($"{rendered.Find("Service", "inference-api-redis").Name}:{redis.Port}", Manifests.Environment(container, rendered).Single(e => e.Name == "Cache__RedisConnectionString").Value);
        Assert.NotNull(rendered.Find("Secret", reference.Name));
    }
}
