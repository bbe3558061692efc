using System.Text.RegularExpressions;

namespace InferenceApi.Core.Models;

/// <summary>
/// The one rule for model names, applied to folders on disk and to names in requests alike, so that a
/// request can never name a path: letters, digits, '.', '_' and '-', starting with a letter or digit,
/// at most 128 characters, and no "..".
/// </summary>
public static partial class ModelName
{
    public const int MaxLength = 128;

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && Pattern().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal);

    public static string Rule =>
        $"a model name has 1 to {MaxLength} letters, digits, '.', '_' or '-', starts with a letter or digit, and has no '..'";

    // \z, not $: "$" also matches before a final '\n', which would let "bert\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
