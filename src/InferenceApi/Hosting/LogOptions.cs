using System.ComponentModel.DataAnnotations;

namespace InferenceApi.Hosting;

/// <summary>
/// The console log's shape and how much the request log says (section <c>Logging</c>, next to the framework's own
/// <c>Logging:LogLevel</c>). Per-request lines go to the category <see cref="RequestCategory"/>: errors (4xx, 5xx)
/// and slow requests at Information or above, other successes at Debug.
/// </summary>
public sealed class LogOptions
{
    public const string Section = "Logging";

    /// <summary>The category of the one line per request; set <c>Logging:LogLevel:InferenceApi.Requests</c> to <c>Debug</c> to see every request.</summary>
    public const string RequestCategory = "InferenceApi.Requests";

    /// <summary>
    /// <c>Auto</c> (default), <c>Json</c> or <c>Text</c>. Auto writes text for a person (stdout is a terminal, or the
    /// environment is Development) and JSON for a collector (stdout redirected: containers, systemd, files).
    /// </summary>
    public LogFormat Format { get; set; } = LogFormat.Auto;

    /// <summary>
    /// A successful request that took at least this many milliseconds, from the first byte read to the last written,
    /// is logged at Information like an error. Default 1000. Lower it to see more latency outliers, at the price of
    /// more lines under load; streamed generations count their whole stream.
    /// </summary>
    [Range(1, 3_600_000)]
    public int SlowRequestMs { get; set; } = 1000;
}
