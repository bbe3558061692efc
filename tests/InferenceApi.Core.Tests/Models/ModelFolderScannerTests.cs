using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Models;

public sealed class ModelFolderScannerTests
{
    [Fact]
    public void Scan_NumericVersionFolders_ListsEachVersion()
    {
        using var root = new TempDirectory();
        WriteModel(root, "bert", "1");
        WriteModel(root, "bert", "12");
        Directory.CreateDirectory(Path.Combine(root.Path, "bert", "notes"));

        var found = ModelFolderScanner.Scan(root.Path);

        Assert.Equal([("bert", 1L), ("bert", 12L)], found.Select(v => (v.Name, v.Version)).Order());
        Assert.Equal(Path.Combine(root.Path, "bert", "12"), found.Single(v => v.Version == 12).Directory);
    }

    [Fact]
    public void Scan_FlatFolderWithModelFile_IsVersionOne()
    {
        using var root = new TempDirectory();
        WriteModel(root, "flat");

        var version = Assert.Single(ModelFolderScanner.Scan(root.Path));

        Assert.Equal("flat", version.Name);
        Assert.Equal(1, version.Version);
        Assert.Equal(Path.Combine(root.Path, "flat"), version.Directory);
    }

    [Fact]
    public void Scan_HiddenAndTemporaryFolders_AreSkippedSilently()
    {
        using var root = new TempDirectory();
        WriteModel(root, "live");
        WriteModel(root, ".hidden");
        WriteModel(root, "incoming.tmp");
        WriteModel(root, "incoming.PARTIAL");
        WriteModel(root, "live", "2.tmp");
        WriteModel(root, "live", "3.partial");
        WriteModel(root, "live", ".4");
        var skipped = new List<string>();

        var found = ModelFolderScanner.Scan(root.Path, skipped);

        Assert.Equal([("live", 1L)], found.Select(v => (v.Name, v.Version)));
        Assert.Empty(skipped);
    }

    [Fact]
    public void Scan_VersionFolderBeingWrittenNextToLiveVersion_OnlyLiveVersionIsListed()
    {
        using var root = new TempDirectory();
        WriteModel(root, "bert", "1");
        WriteModel(root, "bert", "2.partial");

        var version = Assert.Single(ModelFolderScanner.Scan(root.Path));

        Assert.Equal(1, version.Version);
    }

    [Fact]
    public void Scan_InvalidModelNames_AreReportedAndNotListed()
    {
        using var root = new TempDirectory();
        WriteModel(root, "good");
        WriteModel(root, "-bad");
        WriteModel(root, "has space");
        var skipped = new List<string>();

        var found = ModelFolderScanner.Scan(root.Path, skipped);

        Assert.Equal(["good"], found.Select(v => v.Name));
        Assert.Equal(["-bad", "has space"], skipped.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Scan_VersionZeroOrNonNumeric_IsNotAVersion()
    {
        using var root = new TempDirectory();
        WriteModel(root, "bert", "0");
        WriteModel(root, "bert", "v2");
        WriteModel(root, "bert", "3");

        var found = ModelFolderScanner.Scan(root.Path);

        Assert.Equal([3L], found.Select(v => v.Version));
    }

    [Fact]
    public void Scan_EmptyModelFolder_ListsNothing()
    {
        using var root = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(root.Path, "empty"));

        Assert.Empty(ModelFolderScanner.Scan(root.Path));
    }

    [Fact]
    public void Scan_MissingRoot_ListsNothing()
    {
        using var root = new TempDirectory();

        Assert.Empty(ModelFolderScanner.Scan(Path.Combine(root.Path, "absent")));
    }

    [Fact]
    public void Scan_NothingChanged_FingerprintIsStable()
    {
        using var root = new TempDirectory();
        WriteModel(root, "bert", "1");

        var before = Assert.Single(ModelFolderScanner.Scan(root.Path)).Fingerprint;
        var after = Assert.Single(ModelFolderScanner.Scan(root.Path)).Fingerprint;

        Assert.Equal(before, after);
    }

    [Fact]
    public void Scan_FileContentChanges_FingerprintChanges()
    {
        using var root = new TempDirectory();
        var file = WriteModel(root, "bert", "1");
        var before = Assert.Single(ModelFolderScanner.Scan(root.Path)).Fingerprint;

        File.WriteAllText(file, "a retrained model, longer than before");

        Assert.NotEqual(before, Assert.Single(ModelFolderScanner.Scan(root.Path)).Fingerprint);
    }

    [Fact]
    public void Scan_FileRewrittenWithSameLength_FingerprintChangesWithWriteTime()
    {
        using var root = new TempDirectory();
        var file = WriteModel(root, "bert", "1");
        File.SetLastWriteTimeUtc(file, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var before = Assert.Single(ModelFolderScanner.Scan(root.Path)).Fingerprint;

        File.WriteAllText(file, "FAKE ONNX BYTES");
        File.SetLastWriteTimeUtc(file, new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc));

        Assert.NotEqual(before, Assert.Single(ModelFolderScanner.Scan(root.Path)).Fingerprint);
    }

    [Fact]
    public void Scan_FileAdded_FingerprintChanges()
    {
        using var root = new TempDirectory();
        WriteModel(root, "bert", "1");
        var before = Assert.Single(ModelFolderScanner.Scan(root.Path)).Fingerprint;

        File.WriteAllText(Path.Combine(root.Path, "bert", "1", "inference.json"), "{}");

        Assert.NotEqual(before, Assert.Single(ModelFolderScanner.Scan(root.Path)).Fingerprint);
    }

    /// <summary>Writes a stand-in model.onnx under root/name[/version] and returns its path.</summary>
    private static string WriteModel(TempDirectory root, string name, string? version = null)
    {
        var directory = version is null ? Path.Combine(root.Path, name) : Path.Combine(root.Path, name, version);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, ModelFolderScanner.ModelFileName);
        File.WriteAllText(file, "fake onnx bytes");
        return file;
    }
}
