using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using k8s.Models;
using static InferenceApi.Deployment.Tests.Kubernetes.CustomResources.FieldSchema;

namespace InferenceApi.Deployment.Tests.Kubernetes.CustomResources;

/// <summary>
/// The custom resources the manifests use, with the fields of their published CRDs: KEDA's ScaledObject
/// (keda.sh/v1alpha1, KEDA 2.x), the Prometheus Operator's ServiceMonitor (monitoring.coreos.com/v1, operator
/// 0.87), KServe's ClusterServingRuntime (serving.kserve.io/v1alpha1) and InferenceService (v1beta1, from
/// KServe's Go API types). Every field at every level the manifests touch is listed with its type, enum and
/// required-ness; sub-objects they do not use (TLS, auth, explainers...) are checked as objects only.
/// </summary>
public static class KnownCustomResources
{
    private const string Duration = @"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$";

    private static readonly string[] Protocols = ["v1", "v2", "grpc-v1", "grpc-v2"];

    /// <summary>What KEDA's Prometheus scaler reads from a trigger's metadata; anything else it ignores silently.</summary>
    private static readonly HashSet<string> PrometheusTriggerKeys =
        ["serverAddress", "query", "threshold", "activationThreshold", "namespace", "customHeaders", "ignoreNullValues", "unsafeSsl", "queryParameters", "authModes", "timeout"];

    public static IReadOnlyDictionary<string, FieldSchema> Schemas { get; } = new Dictionary<string, FieldSchema>
    {
        ["keda.sh/v1alpha1/ScaledObject"] = Root(ScaledObjectSpec()),
        ["monitoring.coreos.com/v1/ServiceMonitor"] = Root(ServiceMonitorSpec(), specRequired: true),
        ["serving.kserve.io/v1alpha1/ClusterServingRuntime"] = Root(ServingRuntimeSpec()),
        ["serving.kserve.io/v1beta1/InferenceService"] = Root(InferenceServiceSpec()),
    };

    public static bool IsKnown(Manifest manifest) => Schemas.ContainsKey($"{manifest.ApiVersion}/{manifest.Kind}");

    public static IReadOnlyList<string> Validate(Manifest manifest)
    {
        if (!Schemas.TryGetValue($"{manifest.ApiVersion}/{manifest.Kind}", out var schema))
        {
            return [$"{manifest}: {manifest.ApiVersion} {manifest.Kind} is neither a built-in kind nor a custom resource these tests know"];
        }

        var errors = CustomResourceValidator.Validate(manifest.Node, schema, manifest.Kind).ToList();
        if (manifest.Kind == "ScaledObject")
        {
            errors.AddRange(PrometheusTriggerErrors(manifest));
        }

        return errors;
    }

    private static IEnumerable<string> PrometheusTriggerErrors(Manifest manifest)
    {
        foreach (var trigger in manifest.Node.Items("spec", "triggers").Where(t => t.Text("type") == "prometheus"))
        {
            var keys = trigger.At("metadata") is YamlDotNet.RepresentationModel.YamlMappingNode metadata
                ? metadata.Children.Keys.Select(k => k.ToString()).ToHashSet() : [];
            foreach (var unknown in keys.Where(k => !PrometheusTriggerKeys.Contains(k)))
            {
                yield return $"ScaledObject.spec.triggers[prometheus].metadata: KEDA's Prometheus scaler does not read '{unknown}'";
            }

            foreach (var missing in new[] { "serverAddress", "query", "threshold" }.Where(k => !keys.Contains(k)))
            {
                yield return $"ScaledObject.spec.triggers[prometheus].metadata: '{missing}' is required by KEDA's Prometheus scaler";
            }
        }
    }

    private static FieldSchema Root(FieldSchema spec, bool specRequired = false) => Object(
        new() { ["apiVersion"] = String(), ["kind"] = String(), ["metadata"] = Core<V1ObjectMeta>(), ["spec"] = spec },
        specRequired ? ["spec"] : []);

    private static FieldSchema ScaledObjectSpec() => Object(
        new()
        {
            ["advanced"] = Object(new()
            {
                ["horizontalPodAutoscalerConfig"] = Object(new() { ["behavior"] = Core<V2HorizontalPodAutoscalerBehavior>(), ["name"] = String() }),
                ["restoreToOriginalReplicaCount"] = Bool,
                ["scalingModifiers"] = Object(new()
                {
                    ["activationTarget"] = String(), ["formula"] = String(), ["metricType"] = String("AverageValue", "Value"), ["target"] = String(),
                }),
            }),
            ["cooldownPeriod"] = Integer,
            ["initialCooldownPeriod"] = Integer,
            ["fallback"] = Object(
                new() { ["failureThreshold"] = Integer, ["replicas"] = Integer, ["behavior"] = String("static", "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower") },
                "failureThreshold",
                "replicas"),
            ["idleReplicaCount"] = Integer,
            ["maxReplicaCount"] = Integer,
            ["minReplicaCount"] = Integer,
            ["pollingInterval"] = Integer,
            ["scaleTargetRef"] = Object(new() { ["apiVersion"] = String(), ["envSourceContainerName"] = String(), ["kind"] = String(), ["name"] = String() }, "name"),
            ["triggers"] = ArrayOf(Object(
                new()
                {
                    ["authenticationRef"] = Object(new() { ["kind"] = String("TriggerAuthentication", "ClusterTriggerAuthentication"), ["name"] = String() }, "name"),
                    ["metadata"] = StringMap,
                    ["metricType"] = String("AverageValue", "Value", "Utilization"),
                    ["name"] = String(),
                    ["type"] = String(),
                    ["useCachedMetrics"] = Bool,
                },
                "metadata",
                "type")),
        },
        "scaleTargetRef",
        "triggers");

    private static FieldSchema ServiceMonitorSpec() => Object(
        new()
        {
            ["attachMetadata"] = Object(new() { ["node"] = Bool }),
            ["bodySizeLimit"] = Matching(@"(^0|([0-9]*[.])?[0-9]+((K|M|G|T|E|P)i?)?B)$"),
            ["convertClassicHistogramsToNHCB"] = Bool,
            ["endpoints"] = ArrayOf(Object(new()
            {
                ["authorization"] = AnyObject, ["basicAuth"] = AnyObject, ["bearerTokenFile"] = String(), ["bearerTokenSecret"] = AnyObject,
                ["enableHttp2"] = Bool, ["filterRunning"] = Bool, ["followRedirects"] = Bool, ["honorLabels"] = Bool,
                ["honorTimestamps"] = Bool, ["interval"] = Matching(Duration), ["metricRelabelings"] = ArrayOf(AnyObject),
                ["noProxy"] = String(), ["oauth2"] = AnyObject, ["params"] = AnyObject, ["path"] = String(), ["port"] = String(),
                ["proxyConnectHeader"] = AnyObject, ["proxyFromEnvironment"] = Bool, ["proxyUrl"] = String(),
                ["relabelings"] = ArrayOf(AnyObject), ["scheme"] = String("http", "https", "HTTP", "HTTPS"),
                ["scrapeTimeout"] = Matching(Duration), ["targetPort"] = IntOrStr, ["tlsConfig"] = AnyObject,
                ["trackTimestampsStaleness"] = Bool,
            })),
            ["fallbackScrapeProtocol"] = String(ScrapeProtocols),
            ["jobLabel"] = String(),
            ["keepDroppedTargets"] = Integer,
            ["labelLimit"] = Integer,
            ["labelNameLengthLimit"] = Integer,
            ["labelValueLengthLimit"] = Integer,
            ["namespaceSelector"] = Object(new() { ["any"] = Bool, ["matchNames"] = ArrayOf(String()) }),
            ["nativeHistogramBucketLimit"] = Integer,
            ["nativeHistogramMinBucketFactor"] = IntOrStr,
            ["podTargetLabels"] = ArrayOf(String()),
            ["sampleLimit"] = Integer,
            ["scrapeClass"] = String(),
            ["scrapeClassicHistograms"] = Bool,
            ["scrapeProtocols"] = ArrayOf(String(ScrapeProtocols)),
            ["selector"] = Core<V1LabelSelector>(),
            ["selectorMechanism"] = String("RelabelConfig", "RoleSelector"),
            ["serviceDiscoveryRole"] = String("Endpoints", "EndpointSlice"),
            ["targetLabels"] = ArrayOf(String()),
            ["targetLimit"] = Integer,
        },
        "endpoints",
        "selector");

    private static string[] ScrapeProtocols => ["PrometheusProto", "OpenMetricsText0.0.1", "OpenMetricsText1.0.0", "PrometheusText0.0.4", "PrometheusText1.0.0"];

    private static FieldSchema ServingRuntimeSpec() => new()
    {
        Kind = FieldKind.Object,
        Properties = new Dictionary<string, FieldSchema>
        {
            ["supportedModelFormats"] = ArrayOf(Object(new() { ["name"] = String(), ["version"] = String(), ["autoSelect"] = Bool, ["priority"] = Integer }, "name")),
            ["multiModel"] = Bool,
            ["disabled"] = Bool,
            ["protocolVersions"] = ArrayOf(String(Protocols)),
            ["workerSpec"] = AnyObject,
            ["labels"] = StringMap,
            ["annotations"] = StringMap,
            ["grpcEndpoint"] = String(),
            ["grpcDataEndpoint"] = String(),
            ["httpDataEndpoint"] = String(),
            ["replicas"] = Integer,
            ["storageHelper"] = Object(new() { ["disabled"] = Bool }),
            ["builtInAdapter"] = Object(new()
            {
                ["serverType"] = String(), ["runtimeManagementPort"] = Integer, ["memBufferBytes"] = Integer,
                ["modelLoadingTimeoutMillis"] = Integer, ["env"] = ArrayOf(Core<V1EnvVar>()),
            }),
        },
        Required = ["containers"],

        // ServingRuntimePodSpec: these PodSpec fields and no others.
        InlineType = typeof(V1PodSpec),
        InlineFields = new HashSet<string> { "containers", "volumes", "nodeSelector", "affinity", "tolerations", "imagePullSecrets", "hostIPC" },
    };

    private static FieldSchema InferenceServiceSpec() => Object(
        new() { ["predictor"] = Predictor(), ["explainer"] = AnyObject, ["transformer"] = AnyObject },
        "predictor");

    private static FieldSchema Predictor()
    {
        var properties = new Dictionary<string, FieldSchema>
        {
            ["model"] = new()
            {
                Kind = FieldKind.Object,
                Properties = new Dictionary<string, FieldSchema>
                {
                    ["modelFormat"] = Object(new() { ["name"] = String(), ["version"] = String() }, "name"),
                    ["runtime"] = String(),
                    ["storageUri"] = String(),
                    ["runtimeVersion"] = String(),
                    ["protocolVersion"] = String(Protocols),
                    ["storage"] = Object(new() { ["path"] = String(), ["schemaPath"] = String(), ["parameters"] = StringMap, ["key"] = String() }),
                },
                Required = ["modelFormat"],
                InlineType = typeof(V1Container),
            },
            ["workerSpec"] = AnyObject,

            // ComponentExtensionSpec.
            ["minReplicas"] = Integer,
            ["maxReplicas"] = Integer,
            ["scaleTarget"] = Integer,
            ["scaleMetric"] = String("cpu", "memory", "concurrency", "rps"),
            ["scaleMetricType"] = String("Utilization", "Value", "AverageValue"),
            ["autoScaling"] = AnyObject,
            ["containerConcurrency"] = Integer,
            ["timeout"] = Integer,
            ["canaryTrafficPercent"] = Integer,
            ["logger"] = Object(new() { ["url"] = String(), ["mode"] = String("all", "request", "response"), ["metadataHeaders"] = ArrayOf(String()), ["metadataAnnotations"] = ArrayOf(String()) }),
            ["batcher"] = Object(new() { ["maxBatchSize"] = Integer, ["maxLatency"] = Integer, ["timeout"] = Integer }),
            ["labels"] = StringMap,
            ["annotations"] = StringMap,
            ["deploymentStrategy"] = Core<V1DeploymentStrategy>(),
        };
        foreach (var framework in new[] { "sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface", "pmml", "lightgbm", "paddle" })
        {
            properties[framework] = AnyObject;
        }

        // The predictor inlines a whole PodSpec.
        return new() { Kind = FieldKind.Object, Properties = properties, InlineType = typeof(V1PodSpec) };
    }
}
