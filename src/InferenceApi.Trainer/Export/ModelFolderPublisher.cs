using System.Text.Json;

namespace InferenceApi.Trainer.Export;

/// <summary>
/// What every export shares: refuse an existing target, write the folder under a hidden temporary name and
/// rename it (so the server's hot reload never sees half a model), and compare outputs for the parity check.
/// </summary>
public static class ModelFolderPublisher
{
    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true };

    /// <summary>The full path of a target folder that must not exist yet.</summary>
    public static string Target(string folder)
    {
        var target = Path.GetFullPath(folder);
        return Directory.Exists(target) ? throw new IOException($"export folder already exists: {target}") : target;
    }

    /// <summary>Lets <paramref name="write"/> fill a temporary sibling folder, then renames it to <paramref name="target"/>; nothing is left behind on failure.</summary>
    public static void Publish(string target, Action<string> write)
    {
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temporary);
            write(temporary);
            Directory.Move(temporary, target);
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    /// <summary>The largest magnitude in <paramref name="values"/>: the scale an int8 parity tolerance is relative to.</summary>
    public static double MaxAbs(ReadOnlySpan<float> values)
    {
        double max = 0;
        foreach (var value in values)
        {
            max = Math.Max(max, Math.Abs(value));
        }

        return max;
    }

    /// <summary>Max abs diff of <paramref name="expected"/> against <paramref name="actual"/> read from <paramref name="offset"/>.</summary>
    public static double MaxAbsDiff(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int offset = 0)
    {
        double max = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[offset + i]));
        }

        return max;
    }
}
