using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using InferenceApi.Core.Errors;

namespace InferenceApi.Validation;

/// <summary>
/// Reads the strings of a JSON tree a client sent, which need not be text: JSON lets a string escape a lone UTF-16
/// surrogate (<c>"\udc00"</c>), and a body may hold bytes that are not UTF-8. System.Text.Json throws when such a
/// string is read; routes that keep a <see cref="JsonElement"/> (chat content, KServe tensors) read their strings here
/// and answer 400 naming the field, as the serializer's own refusals do.
/// </summary>
public static class JsonText
{
    /// <summary>The string of <paramref name="element"/>, or false when it is not a string or not valid Unicode.</summary>
    public static bool TryGetString(JsonElement element, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            value = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            // The only failure left for a string token: a lone surrogate escape or invalid UTF-8.
            return false;
        }
    }

    /// <summary>
    /// The JSON of <paramref name="element"/> as the client wrote it, cut to <paramref name="maxLength"/> characters, for
    /// an error to show; a placeholder when it holds bytes that are not UTF-8 (reading its text would throw).
    /// </summary>
    public static string Excerpt(JsonElement element, int maxLength = 32)
    {
        string raw;
        try
        {
            raw = element.GetRawText();
        }
        catch (InvalidOperationException)
        {
            return "(text that is not valid UTF-8)";
        }

        return raw.Length <= maxLength ? raw : raw[..maxLength] + "…";
    }

    /// <summary>The 400 for a JSON string at <paramref name="field"/> that is not valid Unicode.</summary>
    public static InferenceError NotText(string field) =>
        InferenceError.Invalid(field, $"`{field}` is not valid Unicode text: a JSON string must not hold a lone surrogate (such as \\udc00) or bytes that are not UTF-8.");
}
