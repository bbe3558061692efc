using System.Text.Json.Nodes;
using InferenceApi.Trainer.Checkpoints;

namespace InferenceApi.Trainer.Cli;

/// <summary>Writes a <c>--metrics</c> JSON file (creating its folder).</summary>
public static class MetricsFile
{
    public static void Write(string? path, JsonNode metrics)
    {
        if (path is null)
        {
            return;
        }

        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, metrics.ToJsonString(Checkpoint.Json) + Environment.NewLine);
    }
}
