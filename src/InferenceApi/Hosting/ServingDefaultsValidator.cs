using System.Globalization;
using InferenceApi.Core.Models;
using Microsoft.Extensions.Options;

namespace InferenceApi.Hosting;

/// <summary>
/// Checks <c>Models:Defaults</c> settings against each other at start. Each model's own settings are checked again when
/// it loads (with its inference.json); a default that no model could serve with stops the start instead of refusing
/// every model afterwards.
/// </summary>
internal sealed class ServingDefaultsValidator : IValidateOptions<ModelRepositoryOptions>
{
    private const string Defaults = ModelRepositoryOptions.Section + ":Defaults";

    public ValidateOptionsResult Validate(string? name, ModelRepositoryOptions options)
    {
        var defaults = options.Defaults;
        return defaults.ToBatchLimits().QueueDelayReachesMaxQueueTime
            ? ValidateOptionsResult.Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"{Defaults}:{nameof(ServingSettings.MaxQueueDelayMs)} must be below {Defaults}:{nameof(ServingSettings.MaxQueueTimeMs)} ({defaults.MaxQueueTimeMs}): a request waiting that long for company would leave the queue unserved. Given: {defaults.MaxQueueDelayMs}."))
            : ValidateOptionsResult.Success;
    }
}
