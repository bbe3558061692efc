using System.Text.Json;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>The independent ONNX fixtures and PyTorch's reference results for them.</summary>
public static class Fixtures
{
    public static string TinyBertCls => TestPaths.TinyBertClsDirectory;

    public static string TinyVit => TestPaths.TinyVitDirectory;

    public static string TinyGpt => Path.Combine(TestPaths.OnnxFixturesDirectory, "tiny-gpt");

    public static IReadOnlyList<GenerationCase> GenerationCases { get; } = LoadGenerationCases();

    private static List<GenerationCase> LoadGenerationCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.ExpectedJson));
        return doc.RootElement.GetProperty("tiny-gpt").EnumerateArray()
            .Select(c => new GenerationCase(
                c.GetProperty("prompt").GetString()!,
                c.GetProperty("prompt_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray(),
                c.GetProperty("greedy_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray(),
                c.GetProperty("greedy_logprobs").EnumerateArray().Select(i => i.GetDouble()).ToArray(),
                c.GetProperty("greedy_text").GetString()!))
            .ToList();
    }

    public static IReadOnlyList<ClassifierCase> ClassifierCases { get; } = LoadClassifierCases();

    public static IReadOnlyList<ImageCase> ImageCases { get; } = LoadImageCases();

    private static List<ImageCase> LoadImageCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.ExpectedJson));
        return doc.RootElement.GetProperty("tiny-vit").EnumerateArray()
            .Select(c => new ImageCase(
                Path.Combine(TestPaths.OnnxFixturesDirectory, c.GetProperty("image").GetString()!),
                c.GetProperty("scores").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())))
            .ToList();
    }

    private static List<ClassifierCase> LoadClassifierCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.ExpectedJson));
        return doc.RootElement.GetProperty("tiny-bert-cls").EnumerateArray()
            .Select(c => new ClassifierCase(
                c.GetProperty("text").GetString()!,
                c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray(),
                c.GetProperty("scores").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())))
            .ToList();
    }
}

/// <summary>One text with PyTorch's token ids and softmax scores.</summary>
public sealed record ClassifierCase(string Text, int[] Ids, IReadOnlyDictionary<string, double> Scores);

/// <summary>One fixture image (already at model size) with PyTorch's softmax scores.</summary>
public sealed record ImageCase(string Path, IReadOnlyDictionary<string, double> Scores);

/// <summary>One prompt with PyTorch's prompt ids, 12 greedy ids, their logprobs and the decoded text.</summary>
public sealed record GenerationCase(string Prompt, int[] PromptIds, int[] GreedyIds, double[] GreedyLogprobs, string GreedyText);
