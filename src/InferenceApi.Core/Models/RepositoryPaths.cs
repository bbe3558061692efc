using System.Text.RegularExpressions;

namespace InferenceApi.Core.Models;

/// <summary>
/// Paths as clients may see them: relative to the models root. Refusal reasons come from the loaders, ONNX Runtime
/// and the file system, which all name the absolute path they were given; the server's layout is not the
/// business of an unauthenticated client.
/// </summary>
public static class RepositoryPaths
{
    /// <summary>
    /// <paramref name="text"/> with every path under <paramref name="root"/> written relative to it, and the root
    /// itself as ".". A sibling that merely starts with the same characters (<c>/srv/models2</c>) is left alone.
    /// </summary>
    public static string Relative(string text, string root)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(root);
        if (trimmed.Length == 0 || Path.GetPathRoot(trimmed) == trimmed)
        {
            return text;
        }

        var pattern = Regex.Escape(trimmed) + @"(?:(?<separator>[/\\])|(?![\w.-]))";
        return Regex.Replace(text, pattern, match => match.Groups["separator"].Success ? string.Empty : ".", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
