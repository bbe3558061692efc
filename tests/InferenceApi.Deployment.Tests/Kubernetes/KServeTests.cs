using InferenceApi.Deployment.Tests.Infrastructure;
using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using k8s.Models;

namespace InferenceApi.Deployment.Tests.Kubernetes;

public sealed class KServeTests(RouteTable routes) : IClassFixture<RouteTable>
{
    [Fact]
    public void InferenceService_UsesTheRuntime_WithAFormatAndProtocolItSupports()
    {
        var runtime = Manifests.Files().Find("ClusterServingRuntime", "inference-api");
        var service = Manifests.Files().Find("InferenceService", "sentiment");
        var model = service.Node.At("spec", "predictor", "model")!;

        Assert.Equal(runtime.Name, model.Text("runtime"));
        Assert.Contains(runtime.Node.Items("spec", "supportedModelFormats"), f => f.Text("name") == model.Text("modelFormat", "name"));
        Assert.Equal(["v2"], runtime.Node.Items("spec", "protocolVersions").Select(p => p.Text()));
        Assert.Equal("v2", model.Text("protocolVersion"));
        Assert.StartsWith("pvc://inference-api-models/", model.Text("storageUri"), StringComparison.Ordinal);
    }

    [Fact]
    public void RuntimeContainer_ReadsModelsWhereKServeMountsThem_AndServesOnItsPort()
    {
        var runtime = Manifests.Files().Find("ClusterServingRuntime", "inference-api");
        var container = (V1Container)KubernetesModels.Load(runtime.Node.Items("spec", "containers").Single(), typeof(V1Container), "container", [])!;

        // KServe's storage initializer puts storageUri's content at /mnt/models, in the container it calls kserve-container.
        Assert.Equal("kserve-container", container.Name);
        Assert.Equal("/mnt/models", container.Env.Single(e => e.Name == "Models__Path").Value);
        Assert.Equal(container.Env.Single(e => e.Name == "ASPNETCORE_HTTP_PORTS").Value, container.Ports.Single().ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(container.ReadinessProbe.HttpGet.Path, routes.GetRoutes);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(container.Resources.Limits["cpu"], container.Resources.Requests["cpu"]);
        Assert.Equal(container.Resources.Limits["cpu"].ToDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture), container.Env.Single(e => e.Name == "OnnxRuntime__IntraOpThreads").Value);
    }
}
