using System.Text;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Models;

public sealed class InferenceJsonTests
{
    private static readonly ServingSettings Defaults = new ModelDefaultsOptions().ToSettings();

    [Fact]
    public void ApplyTo_SomeFieldsSet_OverridesThoseAndKeepsDefaultsForTheRest()
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

        var settings = InferenceJson.Load(path).ApplyTo(Defaults);

        Assert.Equal(ModelTask.TextClassification, settings.Task);
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
    public void ApplyTo_NoFile_GivesTheDefaultsUnchanged()
    {
        using var folder = new TempDirectory();

        var settings = InferenceJson.Load(Path.Combine(folder.Path, "inference.json")).ApplyTo(Defaults);

        Assert.Equal(Defaults, settings);
        Assert.Null(settings.Task);
    }

    [Fact]
    public void ApplyTo_UnknownTask_ThrowsNamingItAndTheKnownTasks()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("inference.json", """{ "task": "summarization" }""");
        var json = InferenceJson.Load(path);

        var error = Assert.Throws<ModelFolderException>(() => json.ApplyTo(Defaults));

        Assert.Contains("'summarization'", error.Message, StringComparison.Ordinal);
        Assert.Contains("text-classification", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownField_ThrowsNamingIt()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("inference.json", """{ "maxBatchSize": 4, "maxBatchSzie": 8 }""");

        var error = Assert.Throws<ModelFolderException>(() => InferenceJson.Load(path));

        Assert.StartsWith("inference.json is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("maxBatchSzie", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongValueType_ThrowsNamingTheFile()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("inference.json", """{ "maxBatchSize": "lots" }""");

        var error = Assert.Throws<ModelFolderException>(() => InferenceJson.Load(path));

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

        var settings = InferenceJson.Load(path).ApplyTo(Defaults);

        Assert.Equal(4, settings.MaxBatchSize);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void ApplyTo_NonPositiveRequestTimeout_ThrowsNamingTheField(int timeoutMs)
    {
        var json = new InferenceJson { RequestTimeoutMs = timeoutMs };

        var error = Assert.Throws<ModelFolderException>(() => json.ApplyTo(Defaults));

        Assert.Contains("requestTimeoutMs", error.Message, StringComparison.Ordinal);
    }
}
