namespace InferenceApi.Deployment.Tests.Kubernetes.Yaml;

/// <summary>The JSON type a YAML scalar resolves to.</summary>
public enum ScalarType
{
    Null,
    Boolean,
    Integer,
    Number,
    String,
}
