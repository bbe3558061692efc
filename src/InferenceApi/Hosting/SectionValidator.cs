using InferenceApi.Core.Models;
using Microsoft.Extensions.Options;

namespace InferenceApi.Hosting;

/// <summary>
/// Validates an options section on start with its own attributes (nested sections marked
/// <see cref="ValidateObjectMembersAttribute"/> included); each message names the configuration key and the value.
/// </summary>
internal sealed class SectionValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var problems = SettingsCheck.Problems(options, member => $"{section}:{member}");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
