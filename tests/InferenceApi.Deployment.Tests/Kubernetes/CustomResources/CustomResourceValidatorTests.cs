namespace InferenceApi.Deployment.Tests.Kubernetes.CustomResources;

public sealed class CustomResourceValidatorTests
{
    [Theory]
    [InlineData("ScaledObject", "inference-api", "add", "/spec/triggers/0/metadata/treshold", "\"16\"", "does not read 'treshold'")]
    [InlineData("ScaledObject", "inference-api", "remove", "/spec/triggers/0/metadata/query", "", "'query' is required")]
    [InlineData("ScaledObject", "inference-api", "add", "/spec/minReplicas", "2", "unknown field 'minReplicas'")]
    [InlineData("ScaledObject", "inference-api", "replace", "/spec/minReplicaCount", "\"2\"", "'2' is a string, the schema says integer")]
    [InlineData("ScaledObject", "inference-api", "remove", "/spec/scaleTargetRef", "", "required field 'scaleTargetRef' is missing")]
    [InlineData("ScaledObject", "inference-api", "add", "/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleDown/window", "300", "Property 'window' not found")]
    [InlineData("ServiceMonitor", "inference-api", "replace", "/spec/endpoints/0/interval", "15 seconds", "does not match")]
    [InlineData("ServiceMonitor", "inference-api", "add", "/spec/endpoints/0/scheme", "tcp", "'tcp' is not one of http, https")]
    [InlineData("ServiceMonitor", "inference-api", "remove", "/spec/selector", "", "required field 'selector' is missing")]
    [InlineData("ClusterServingRuntime", "inference-api", "replace", "/spec/protocolVersions/0", "v3", "'v3' is not one of v1, v2")]
    [InlineData("ClusterServingRuntime", "inference-api", "add", "/spec/restartPolicy", "Always", "unknown field 'restartPolicy'")]
    [InlineData("ClusterServingRuntime", "inference-api", "add", "/spec/containers/0/readinessProbe/httpGet/url", "/", "Property 'url' not found")]
    [InlineData("InferenceService", "sentiment", "add", "/spec/predictor/model/storageURI", "pvc://x/", "unknown field 'storageURI'")]
    [InlineData("InferenceService", "sentiment", "remove", "/spec/predictor/model/modelFormat", "", "required field 'modelFormat' is missing")]
    [InlineData("InferenceService", "sentiment", "replace", "/spec/predictor/model/resources/limits", "[]", "spec.predictor.model")]
    public void Validate_ManifestWithOneMistake_NamesIt(string kind, string name, string op, string path, string value, string expected)
    {
        var manifest = ManifestLoadingTests.Mutate(Manifests.Files().Find(kind, name), path, value, op);

        var errors = KnownCustomResources.Validate(manifest);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PredictorPodSpecAndContainerFields_AreAccepted()
    {
        var service = Manifests.Files().Find("InferenceService", "sentiment");
        service = ManifestLoadingTests.Mutate(service, "/spec/predictor/nodeSelector", "{gpu: \"true\"}");
        service = ManifestLoadingTests.Mutate(service, "/spec/predictor/model/env", "[{name: A, value: b}]");

        Assert.Empty(KnownCustomResources.Validate(service));
    }
}
