using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace InferenceApi.Core.Models;

/// <summary>
/// Lists the versions in a model repository: <c>{name}/{version}/</c> with numeric versions, or a flat
/// <c>{name}/</c> holding <c>model.onnx</c>, which is version 1. Hidden folders and temporary names
/// (<c>.tmp</c>, <c>.partial</c>) are skipped, so a trainer writing next to a live model is never seen half-done.
/// </summary>
public static class ModelFolderScanner
{
    public const string ModelFileName = "model.onnx";

    /// <summary>A legacy optimum decoder export (before 1.14, or <c>--legacy</c>): served when the folder has no model.onnx.</summary>
    public const string MergedDecoderFileName = "decoder_model_merged.onnx";

    /// <summary>The graph a version folder serves: <c>model.onnx</c>, else a legacy merged decoder; null when it has neither.</summary>
    public static string? FindModelFile(string directory) =>
        new[] { ModelFileName, MergedDecoderFileName }.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    public static IReadOnlyList<DiscoveredVersion> Scan(string root, ICollection<string>? skippedNames = null)
    {
        var found = new List<DiscoveredVersion>();
        if (!Directory.Exists(root))
        {
            return found;
        }

        foreach (var modelDir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(modelDir);
            if (IsTemporary(name))
            {
                continue;
            }

            if (!ModelName.IsValid(name))
            {
                skippedNames?.Add(name);
                continue;
            }

            var versions = Directory.EnumerateDirectories(modelDir)
                .Select(dir => (dir, name: Path.GetFileName(dir)))
                .Where(v => v.name.Length is > 0 and <= 18 && v.name.All(char.IsAsciiDigit))
                .Select(v => new DiscoveredVersion(name, long.Parse(v.name, CultureInfo.InvariantCulture), v.dir, Fingerprint(v.dir)))
                .Where(v => v.Version > 0)
                .ToList();
            if (versions.Count > 0)
            {
                found.AddRange(versions);
            }
            else if (File.Exists(Path.Combine(modelDir, ModelFileName)) || Directory.EnumerateFiles(modelDir).Any())
            {
                found.Add(new DiscoveredVersion(name, 1, modelDir, Fingerprint(modelDir)));
            }
        }

        return found;
    }

    private static bool IsTemporary(string name) =>
        name.StartsWith('.') || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".partial", StringComparison.OrdinalIgnoreCase);

    private static string Fingerprint(string directory)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            text.Append(info.Name).Append('|').Append(info.Length).Append('|').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
