using System.Globalization;

namespace InferenceApi.Caching;

/// <summary>
/// Short, human-readable reasons for Redis failures, for the cache status and the health description.
/// StackExchange.Redis messages carry a long diagnostic tail (thread-pool counters, buffers); the log
/// keeps the full exception, the status only needs what went wrong.
/// </summary>
internal static class RedisErrors
{
    private const int MaxLength = 200;

    public static string Describe(Exception exception, TimeSpan timeout, string timeoutSetting)
    {
        if (exception is TimeoutException)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"Redis did not answer within {timeout.TotalMilliseconds:0} ms ({timeoutSetting})");
        }

        var message = exception.Message;

        // Keep "what failed; why" and drop the counters that follow ("… on host:port/Interactive, …").
        var parts = message.Split(';', 3, StringSplitOptions.TrimEntries);
        message = parts.Length >= 2 ? $"{parts[0]}; {Before(parts[1], " on ")}" : Before(parts[0], " on ");
        if (message.Length > MaxLength)
        {
            message = string.Concat(message.AsSpan(0, MaxLength - 1), "…");
        }

        return $"{exception.GetType().Name}: {message}";
    }

    private static string Before(string text, string marker)
    {
        var index = text.IndexOf(marker, StringComparison.Ordinal);
        return index < 0 ? text : text[..index];
    }
}
