using System.Globalization;
using InferenceApi.Core.Models;
using Microsoft.Extensions.Options;

namespace InferenceApi.Hosting;

/// <summary>
/// Checks <see cref="ShutdownOptions"/> at start: its own ranges, and that the delay leaves time to drain within the
/// host's shutdown timeout (a delay as long as the timeout would cut every request in flight the moment it ends).
/// </summary>
internal sealed class ShutdownOptionsValidator(IOptions<HostOptions> host) : IValidateOptions<ShutdownOptions>
{
    public ValidateOptionsResult Validate(string? name, ShutdownOptions options)
    {
        var problems = SettingsCheck.Problems(options, member => $"{ShutdownOptions.Section}:{member}").ToList();
        var timeout = host.Value.ShutdownTimeout;
        if (timeout != Timeout.InfiniteTimeSpan && options.DrainDelay >= timeout)
        {
            problems.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{ShutdownOptions.Section}:{nameof(ShutdownOptions.DrainDelaySeconds)} must be shorter than the host's shutdown timeout ({timeout.TotalSeconds:0} s; raise it with shutdownTimeoutSeconds), which also bounds the drain that follows the delay. Given: {options.DrainDelaySeconds}."));
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
