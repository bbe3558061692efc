namespace InferenceApi.Deployment.Tests.Infrastructure;

/// <summary>Where the deployment files live in the repository.</summary>
public static class DeployPaths
{
    public static string Kubernetes => Path.Combine(TestPaths.RepositoryRoot, "deploy", "kubernetes");

    public static string KServe => Path.Combine(Kubernetes, "kserve");

    public static string Overlay(string name) => Path.Combine(Kubernetes, "overlays", name);

    public static string Component(string name) => Path.Combine(Kubernetes, "components", name);

    public static string Base => Path.Combine(Kubernetes, "base");

    public static string Dockerfile => Path.Combine(TestPaths.RepositoryRoot, "Dockerfile");

    public static string Compose => Path.Combine(TestPaths.RepositoryRoot, "docker-compose.yml");

    public static string AppSettings => Path.Combine(TestPaths.RepositoryRoot, "appsettings.json");
}
