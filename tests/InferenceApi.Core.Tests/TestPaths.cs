namespace InferenceApi.Core.Tests;

/// <summary>
/// Where shared test data lives: <c>shared/</c> is a sibling of the repository root (the folder holding
/// <c>InferenceApi.sln</c>), so it is found the same way from any worktree and any build output folder.
/// </summary>
public static class TestPaths
{
    private static readonly Lazy<string> LazyRepositoryRoot = new(FindRepositoryRoot);

    public static string RepositoryRoot => LazyRepositoryRoot.Value;

    public static string SharedDirectory => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public static string FixturesDirectory => Path.Combine(SharedDirectory, "fixtures");

    public static string DataDirectory => Path.Combine(SharedDirectory, "data");

    public static string BertBaseUncasedDirectory => Path.Combine(DataDirectory, "tokenizers", "bert-base-uncased");

    public static string OnnxFixturesDirectory => Path.Combine(FixturesDirectory, "onnx");

    public static string TinyBertClsDirectory => Path.Combine(OnnxFixturesDirectory, "tiny-bert-cls");

    public static string TinyVitDirectory => Path.Combine(OnnxFixturesDirectory, "tiny-vit");

    /// <summary>Tokenizer files of real models (trimmed) and their reference ids, committed in this repository (tests/reference makes them).</summary>
    public static string TokenizerFixturesDirectory => Path.Combine(RepositoryRoot, "tests", "fixtures", "tokenizers");

    public static string ExpectedJson => Path.Combine(OnnxFixturesDirectory, "expected.json");

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "InferenceApi.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains InferenceApi.sln.");
    }
}
