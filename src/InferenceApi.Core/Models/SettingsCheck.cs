using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace InferenceApi.Core.Models;

/// <summary>
/// Checks a settings object against its validation attributes, members marked <see cref="ValidateObjectMembersAttribute"/>
/// included, and words each failure with the name the operator writes and the value received:
/// "The field Models:Defaults:MaxBatchSize must be between 0 and 1024. Given: -1." The attributes stay the one
/// declaration of each limit, whether the value came from configuration or from a model's inference.json.
/// </summary>
public static class SettingsCheck
{
    /// <param name="settingName">How a property is named where the value was written (a configuration key, a JSON field).</param>
    public static IReadOnlyList<string> Problems(object settings, Func<string, string> settingName)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        Collect(settings, settingName, problems);
        return problems;
    }

    private static void Collect(object settings, Func<string, string> settingName, List<string> problems)
    {
        foreach (var property in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var value = property.GetValue(settings);
            var name = settingName(property.Name);
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>(inherit: true))
            {
                if (!attribute.IsValid(value))
                {
                    problems.Add($"{attribute.FormatErrorMessage(name)} Given: {Shown(value)}.");
                }
            }

            if (value is not null && property.IsDefined(typeof(ValidateObjectMembersAttribute), inherit: true))
            {
                Collect(value, member => $"{name}:{member}", problems);
            }
        }
    }

    private static string Shown(object? value) => value switch
    {
        null => "null",
        string text => $"'{text}'",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
