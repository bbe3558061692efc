namespace InferenceApi.Deployment.Tests.Kubernetes.CustomResources;

/// <summary>What a field of a custom resource's schema holds.</summary>
public enum FieldKind
{
    /// <summary>A mapping with known properties (unknown ones fail, as the API server prunes them).</summary>
    Object,

    Array,
    String,
    Integer,
    Boolean,
    IntOrString,

    /// <summary>A map of strings (labels, annotations, KEDA trigger metadata).</summary>
    StringMap,

    /// <summary>A Kubernetes type embedded in the resource, loaded strictly into its KubernetesClient model.</summary>
    Core,

    /// <summary>An object whose inner schema these tests do not check (a field the manifests do not use).</summary>
    AnyObject,
}
