using InferenceApi.Core.Backends;

namespace InferenceApi.Deployment.Tests.Kubernetes;

public sealed class GpuOverlayTests
{
    [Fact]
    public void GpuOverlay_AsksForOneGpu_RunsTheGpuImage_OnCuda()
    {
        var gpu = Manifests.ApiDeployment("gpu").Spec.Template.Spec;
        var cpu = Manifests.ApiDeployment("cpu").Spec.Template.Spec;
        var container = gpu.Containers.Single();

        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.EndsWith(":gpu", container.Image, StringComparison.Ordinal);
        Assert.Equal(nameof(ExecutionProvider.Cuda), container.Env.Single(e => e.Name == "Models__Defaults__ExecutionProvider").Value);
        Assert.Contains(gpu.Tolerations, t => t.Key == "nvidia.com/gpu" && t.Effect == "NoSchedule");

        Assert.False(cpu.Containers.Single().Resources.Limits.ContainsKey("nvidia.com/gpu"));
        Assert.DoesNotContain(cpu.Containers.Single().Env, e => e.Name == "Models__Defaults__ExecutionProvider");
        Assert.EndsWith(":latest", cpu.Containers.Single().Image, StringComparison.Ordinal);
    }
}
