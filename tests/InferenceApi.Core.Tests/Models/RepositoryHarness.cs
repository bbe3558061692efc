using InferenceApi.Core.Models;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Core.Tests.Models;

/// <summary>A <see cref="ModelRepository"/> over a folder of its own, a fake clock and a <see cref="ScriptedLoader"/>.</summary>
internal sealed class RepositoryHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _folder = new();

    public RepositoryHarness(int versionsToServe = 1)
    {
        var options = new ModelRepositoryOptions { Path = _folder.Path, VersionsToServe = versionsToServe };
        Repository = new ModelRepository(Options.Create(options), [Loader], new SignatureOnlyBackend(), Clock, Log);
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public ScriptedLoader Loader { get; } = new();

    public LogEvents<ModelRepository> Log { get; } = new();

    public ModelRepository Repository { get; }

    /// <summary>Writes <c>{name}/{version}/model.onnx</c>; other contents give the folder another fingerprint.</summary>
    public void Write(string name, long version, string contents = "model")
    {
        var directory = Path.Combine(_folder.Path, name, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ModelFolderScanner.ModelFileName), contents);
    }

    public void Delete(string name, long version) =>
        Directory.Delete(Path.Combine(_folder.Path, name, version.ToString(System.Globalization.CultureInfo.InvariantCulture)), recursive: true);

    public Task ScanAsync() => Repository.ScanAsync(CancellationToken.None);

    public VersionSnapshot Single(string name) => Assert.Single(Repository.Snapshot(), v => v.Name == name);

    public async ValueTask DisposeAsync()
    {
        // A lease a failed test left behind would hold the drain forever; the timeout turns that hang into a failure.
        await Repository.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        _folder.Dispose();
    }
}
