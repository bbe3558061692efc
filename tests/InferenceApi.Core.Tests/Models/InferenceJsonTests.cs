using System.Text;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Models;

public sealed class InferenceJsonTests
{
    private static readonly ServingSettings Defaults = new();

    [Fact]
    public void Load_SomeFieldsSet_OverridesThoseAndKeepsDefaultsForTheRest()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("inference.json", """
            {
              // comments and trailing commas are allowed
              "task": "sentiment-analysis",
              "maxBatchSize": 4,
              "maxQueueDelayMs": 15,
              "requestTimeoutMs": 500,
              "executionProvider": "Cpu",
              "maxSequenceLength": 64,
              "normalize": false,
            }
            """);

        var (task, settings) = InferenceJson.Load(path, Defaults);

        Assert.Equal(ModelTask.TextClassification, task);
        Assert.Equal(4, settings.MaxBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(15), settings.MaxQueueDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.RequestTimeout);
        Assert.Equal(ExecutionProvider.Cpu, settings.ExecutionProvider);
        Assert.Equal(64, settings.MaxSequenceLength);
        Assert.False(settings.Normalize);

        Assert.Equal(Defaults.MaxBatchTokens, settings.MaxBatchTokens);
        Assert.Equal(Defaults.QueueCapacity, settings.QueueCapacity);
        Assert.Equal(Defaults.Instances, settings.Instances);
        Assert.Equal(Defaults.InterOpThreads, settings.InterOpThreads);
        Assert.Equal(Defaults.CudaDeviceId, settings.CudaDeviceId);
    }

    [Fact]
    public void Load_NoFile_GivesTheDefaultsUnchanged()
    {
        using var folder = new TempDirectory();

        var (task, settings) = InferenceJson.Load(Path.Combine(folder.Path, InferenceJson.FileName), Defaults);

        Assert.Equal(Defaults, settings);
        Assert.Null(task);
    }

    [Fact]
    public void Load_NoFieldsButTheTask_GivesSettingsEqualToTheDefaults()
    {
        using var folder = new TempDirectory();
        var path = folder.Write(InferenceJson.FileName, """{ "task": "feature-extraction" }""");

        var (task, settings) = InferenceJson.Load(path, Defaults);

        Assert.Equal(ModelTask.FeatureExtraction, task);
        Assert.Equal(Defaults, settings);
    }

    [Fact]
    public void Load_ServerDefaultsChanged_KeepsThemForFieldsTheFileLeavesOut()
    {
        using var folder = new TempDirectory();
        var path = folder.Write(InferenceJson.FileName, """{ "maxBatchSize": 4 }""");

        var (_, settings) = InferenceJson.Load(path, new ServingSettings { QueueCapacity = 7, Normalize = false });

        Assert.Equal((4, 7, false), (settings.MaxBatchSize, settings.QueueCapacity, settings.Normalize));
    }

    [Fact]
    public void Load_UnknownTask_ThrowsNamingItAndTheKnownTasks()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("inference.json", """{ "task": "summarization" }""");

        var error = Assert.Throws<ModelFolderException>(() => InferenceJson.Load(path, Defaults));

        Assert.Contains("'summarization'", error.Message, StringComparison.Ordinal);
        Assert.Contains("text-classification", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownField_ThrowsNamingIt()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("inference.json", """{ "maxBatchSize": 4, "maxBatchSzie": 8 }""");

        var error = Assert.Throws<ModelFolderException>(() => InferenceJson.Load(path, Defaults));

        Assert.StartsWith("inference.json is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("maxBatchSzie", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongValueType_ThrowsNamingTheFile()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("inference.json", """{ "maxBatchSize": "lots" }""");

        var error = Assert.Throws<ModelFolderException>(() => InferenceJson.Load(path, Defaults));

        Assert.StartsWith("inference.json is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("maxBatchSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithUtf8ByteOrderMark_IsRead()
    {
        // Editors on Windows (and PowerShell's Set-Content -Encoding UTF8) write a BOM; it is still valid JSON text.
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "inference.json");
        File.WriteAllText(path, """{ "maxBatchSize": 4 }""", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var (_, settings) = InferenceJson.Load(path, Defaults);

        Assert.Equal(4, settings.MaxBatchSize);
    }

    [Fact]
    public void Load_MaxBatchSizeZero_MeansNoBatchingAsInTriton()
    {
        using var folder = new TempDirectory();
        var path = folder.Write(InferenceJson.FileName, """{ "maxBatchSize": 0 }""");

        var (_, settings) = InferenceJson.Load(path, Defaults);

        Assert.Equal((0, 1, 1), (settings.MaxBatchSize, settings.RequestsPerBatch, settings.ToBatchLimits().MaxBatchSize));
    }

    [Theory]
    [InlineData("requestTimeoutMs", 0)]
    [InlineData("requestTimeoutMs", -5)]
    [InlineData("maxBatchSize", -1)]
    [InlineData("maxBatchSize", 1025)]
    [InlineData("instances", 65)]
    [InlineData("maxSequenceLength", 0)]
    public void Load_ValueOutOfRange_ThrowsNamingTheFieldAndTheValue(string field, int value)
    {
        using var folder = new TempDirectory();
        var path = folder.Write(InferenceJson.FileName, $$"""{ "{{field}}": {{value}} }""");

        var error = Assert.Throws<ModelFolderException>(() => InferenceJson.Load(path, Defaults));

        Assert.StartsWith($"inference.json: The field {field} must be between", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"Given: {value}.", error.Message, StringComparison.Ordinal);
    }
}
