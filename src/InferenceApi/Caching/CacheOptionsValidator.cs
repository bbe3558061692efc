using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace InferenceApi.Caching;

/// <summary>
/// Checks <see cref="CacheOptions"/> at start. Each message names the setting to change, its
/// allowed range and the value received, so a bad deployment fails with a fix in the log.
/// </summary>
internal sealed class CacheOptionsValidator : IValidateOptions<CacheOptions>
{
    private static readonly TimeSpan MaxRedisOperationTimeout = TimeSpan.FromMinutes(1);

    public ValidateOptionsResult Validate(string? name, CacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.MemoryCacheSizeLimitBytes <= 0)
        {
            failures.Add(Message(nameof(CacheOptions.MemoryCacheSizeLimitBytes), "must be > 0 bytes",
                options.MemoryCacheSizeLimitBytes.ToString(CultureInfo.InvariantCulture)));
        }

        if (options.Expiration <= TimeSpan.Zero)
        {
            failures.Add(Message(nameof(CacheOptions.Expiration), "must be > 00:00:00", options.Expiration));
        }

        if (options.RedisOperationTimeout <= TimeSpan.Zero || options.RedisOperationTimeout > MaxRedisOperationTimeout)
        {
            failures.Add(Message(nameof(CacheOptions.RedisOperationTimeout),
                $"must be > 00:00:00 and <= {MaxRedisOperationTimeout:c}", options.RedisOperationTimeout));
        }

        if (options.RedisRetryAfter <= TimeSpan.Zero)
        {
            failures.Add(Message(nameof(CacheOptions.RedisRetryAfter), "must be > 00:00:00", options.RedisRetryAfter));
        }

        if (options.RedisInstanceName is null)
        {
            failures.Add(Message(nameof(CacheOptions.RedisInstanceName), "must be set (it may be empty)", "null"));
        }

        if (!string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            try
            {
                var parsed = ConfigurationOptions.Parse(options.RedisConnectionString);
                if (parsed.EndPoints.Count == 0)
                {
                    failures.Add(Message(nameof(CacheOptions.RedisConnectionString),
                        "must name at least one host:port", options.RedisConnectionString));
                }
            }
            catch (ArgumentException ex)
            {
                // The parser's own message says which element it did not understand.
                failures.Add(Message(nameof(CacheOptions.RedisConnectionString),
                    $"is not a valid StackExchange.Redis configuration string ({ex.Message})", options.RedisConnectionString));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Message(string setting, string rule, TimeSpan given) =>
        Message(setting, rule, given.ToString("c", CultureInfo.InvariantCulture));

    private static string Message(string setting, string rule, string given) =>
        $"{CacheOptions.SectionName}:{setting} {rule}. Given: {given}";
}
