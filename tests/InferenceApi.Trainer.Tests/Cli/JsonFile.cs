using System.Text.Json.Nodes;

namespace InferenceApi.Trainer.Tests.Cli;

/// <summary>Reading back the JSON files the CLI writes.</summary>
internal static class JsonFile
{
    public static JsonNode Read(string path) => JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty");

    public static double[] TrainLosses(JsonNode metrics) =>
        [.. metrics["history"]!.AsArray().Select(e => e!["train_loss"]!.GetValue<double>())];

    public static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}
