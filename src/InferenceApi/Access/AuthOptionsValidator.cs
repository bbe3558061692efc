using Microsoft.Extensions.Options;

namespace InferenceApi.Access;

/// <summary>
/// Refuses to start with keys that break a rule, in configuration or in the keys file, naming the entry and the field
/// (<see cref="ApiKeyParser"/>): a server that started without the keys someone meant to configure would answer 401 to
/// everyone, or worse, run open.
/// </summary>
public sealed class AuthOptionsValidator(IHostEnvironment host) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        var keys = ApiKeyParser.Parse(options.Keys, ApiKeyParser.ConfiguredEntry, errors);
        if (!string.IsNullOrWhiteSpace(options.KeysFile))
        {
            var path = Path.GetFullPath(options.KeysFile, host.ContentRootPath);
            if (ApiKeyParser.ReadFile(path, errors) is { } content)
            {
                keys.AddRange(ApiKeyParser.ParseFile(path, content, errors));
            }
        }

        if (errors.Count == 0)
        {
            ApiKeyParser.CheckUnique(keys, errors);
        }

        if (options.KeysFilePollInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{AuthOptions.Section}:{nameof(AuthOptions.KeysFilePollInterval)} must be at least 00:00:01. Given: {options.KeysFilePollInterval}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
