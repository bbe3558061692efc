namespace InferenceApi.LoadGen.Tests;

/// <summary>A fresh folder under the temp directory, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("loadgen-tests-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
