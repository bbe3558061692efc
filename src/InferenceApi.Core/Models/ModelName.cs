using System.Text.RegularExpressions;
using InferenceApi.Core.Errors;

namespace InferenceApi.Core.Models;

/// <summary>
/// A model name that passed the one rule for names, applied to folders on disk and to names in requests alike, so
/// that a request can never name a path: letters, digits, '.', '_' and '-', starting with a letter or digit, at most
/// 128 characters, and no "..". Every front end (each HTTP route family, and gRPC later) turns what the client sent
/// into one with <see cref="Parse"/>; the repository accepts nothing else.
/// </summary>
public sealed partial record ModelName
{
    public const int MaxLength = 128;

    /// <summary>How much of a refused name an error shows: enough to recognise it, never a whole pasted document.</summary>
    private const int ShownLength = 64;

    private ModelName(string value) => Value = value;

    public string Value { get; }

    public static string Rule =>
        $"a model name has 1 to {MaxLength} letters, digits, '.', '_' or '-', starts with a letter or digit, and has no '..'";

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && Pattern().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal);

    /// <summary>
    /// The name a client sent in <paramref name="field"/>, or the error that says what to send instead (400, naming the
    /// field, the rule, and what was received).
    /// </summary>
    public static Result<ModelName> Parse(string? name, string field = "model")
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return InferenceError.Invalid(field, $"`{field}` is required. GET /v1/models lists the models this server serves.");
        }

        if (!IsValid(name))
        {
            var shown = name.Length <= ShownLength ? name : name[..ShownLength] + "…";
            return InferenceError.Invalid(field, $"`{field}` is not a valid model name: {Rule}. Given: '{shown}'", received: shown);
        }

        return new ModelName(name);
    }

    public override string ToString() => Value;

    // \z, not $: "$" also matches before a final '\n', which would let "bert\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
