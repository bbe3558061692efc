using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Models;

/// <summary>
/// <c>OnnxRuntime:Int8Precision</c> through the server: with <c>Exact</c> the shipped int8 sentiment model gives the very
/// scores the default gives on this CPU (both multiply exactly: VNNI or uint8 × uint8 kernels here, and on a CPU
/// whose kernels saturate the default is Exact too).
/// </summary>
public sealed class Int8PrecisionTests
{
    [Fact]
    public async Task Classify_ExactKernels_ScoreTheDevSentencesAsTheDefaultDoes()
    {
        var texts = File.ReadLines(Path.Combine(TestPaths.DataDirectory, "sst2", "dev.tsv")).Skip(1).Take(128).Select(l => l.Split('\t')[0]).ToArray();

        var byDefault = await ScoresAsync(texts);
        var exact = await ScoresAsync(texts, "Exact");

        Assert.Equal(128, byDefault.Count);
        Assert.Equal(byDefault, exact);
        Assert.Contains(byDefault, s => s.StartsWith("negative", StringComparison.Ordinal));
        Assert.Contains(byDefault, s => s.StartsWith("positive", StringComparison.Ordinal));
    }

    /// <summary>Each text's top label and its score exactly as the JSON writes it.</summary>
    private static async Task<List<string>> ScoresAsync(string[] texts, string? precision = null)
    {
        await using var factory = new InferenceApiFactory()
            .With("Models:Path", Path.Combine(TestPaths.RepositoryRoot, "models"))
            .With("Cache:Enabled", "false")
            .With("OnnxRuntime:Int8Precision", precision);
        using var client = await factory.StartAsync();
        using var response = await client.PostJsonAsync("/v1/classify", new { model = "sentiment", inputs = texts });

        Assert.Equal("3", response.Headers.GetValues("x-model-version").Single());
        var results = (await response.ReadJsonAsync()).GetProperty("results");
        return [.. results.EnumerateArray().Select(r => r.GetProperty("labels")[0]).Select(l => $"{l.GetProperty("label").GetString()} {l.GetProperty("score").GetRawText()}")];
    }
}
