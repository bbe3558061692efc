using System.Text.Json;
using InferenceApi.Deployment.Tests.Infrastructure;

namespace InferenceApi.Deployment.Tests.ScaleOut;

/// <summary>
/// One run of <c>scripts/scaleout.sh --quick</c> (three servers, Redis, haproxy, 16 clients), shared by the
/// tests that read its figures. Its table is kept in artifacts/scaleout/last-run.txt.
/// </summary>
public sealed class ScaleOutRun : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public string Output { get; private set; } = string.Empty;

    public int ExitCode { get; private set; } = -1;

    public JsonElement Figures { get; private set; }

    public async Task InitializeAsync()
    {
        var folder = Path.Combine(TestPaths.RepositoryRoot, "artifacts", "scaleout");
        Directory.CreateDirectory(folder);
        var json = Path.Combine(folder, "last-run.json");
        File.Delete(json);
        (ExitCode, Output) = await BashScript.RunAsync(Timeout, "scripts/scaleout.sh", "--quick", "--json", json);
        await File.WriteAllTextAsync(Path.Combine(folder, "last-run.txt"), Output);
        if (File.Exists(json))
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            Figures = document.RootElement.Clone();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A figure of the run, or a failure that shows the script's output.</summary>
    public JsonElement Figure(params string[] path)
    {
        Assert.True(Figures.ValueKind == JsonValueKind.Object, $"scripts/scaleout.sh wrote no figures (exit code {ExitCode}):\n{Output}");
        return path.Aggregate(Figures, (element, name) => element.GetProperty(name));
    }
}
