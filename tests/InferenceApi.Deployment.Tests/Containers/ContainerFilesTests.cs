using System.Diagnostics;
using InferenceApi.Deployment.Tests.Infrastructure;
using InferenceApi.Deployment.Tests.Kubernetes.Yaml;
using YamlDotNet.RepresentationModel;

namespace InferenceApi.Deployment.Tests.Containers;

public sealed class ContainerFilesTests
{
    [Fact]
    public async Task CheckContainersScript_Strict_Passes()
    {
        var start = new ProcessStartInfo("python3") { WorkingDirectory = TestPaths.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("scripts/check-containers.py");
        start.ArgumentList.Add("--strict");

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, output);
        Assert.EndsWith("container checks: OK", output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComposeApiService_EveryEnvironmentVariable_IsAConfigurationKeyTheServerBinds()
    {
        var compose = YamlTree.LoadAll(DeployPaths.Compose).Single();
        var environment = ((YamlMappingNode)compose.At("services", "api", "environment")!).Children
            .Select(p => (((YamlScalarNode)p.Key).Value!, ((YamlScalarNode)p.Value).Value!))
            .ToList();

        await using var server = await EnvironmentBinding.StartAsync(environment);

        Assert.NotEmpty(environment);
        Assert.Empty(server.Problems());
    }
}
