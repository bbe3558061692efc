namespace InferenceApi.Caching;

/// <summary>
/// The result cache: an in-process memory tier in front of an optional shared Redis tier.
/// Bound from the <c>Cache</c> configuration section and validated when the host starts.
/// </summary>
public sealed class CacheOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Cache";

    /// <summary>
    /// Whether deterministic results are cached at all. Default <c>true</c>.
    /// Turning it off makes every request compute its result (useful to measure raw model latency
    /// in a load test). Rate limits still use <see cref="RedisConnectionString"/> when it is set.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// StackExchange.Redis configuration string of the shared tier, e.g. <c>redis:6379,password=…</c>.
    /// Default <c>null</c>: in-process cache only. With it, replicas behind a load balancer share
    /// results and API keys' rate limits; without it, each replica warms its own cache and counts
    /// its own requests. Redis stays optional either way:
    /// when it is down every request still succeeds and <c>/health/ready</c> reports Degraded.
    /// The connect timeout, retry and backlog settings in the string are overridden so that a dead
    /// Redis fails fast instead of queueing requests.
    /// </summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>
    /// Prefix of every Redis key. Default <c>"inference:"</c>. Give each deployment that shares a
    /// Redis its own prefix; changing it orphans the entries written under the old one until they expire.
    /// </summary>
    public string RedisInstanceName { get; set; } = "inference:";

    /// <summary>
    /// Upper bound of the in-process tier, counted as the sum of the cached values' byte lengths.
    /// Default 64 MiB. Larger keeps more hits local (no network round trip) at the cost of process
    /// memory on every replica; when full, new entries are refused and older ones are compacted away.
    /// </summary>
    public long MemoryCacheSizeLimitBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// How long an entry lives, in memory and in Redis, from when it was written. Default 1 hour.
    /// Results are keyed by model version, so a new version never reads an old one's results; a
    /// longer expiration raises the hit rate but holds memory and Redis space longer.
    /// </summary>
    public TimeSpan Expiration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The longest a request waits for a Redis read. Default 250 ms. A slow Redis must not slow
    /// requests: past this the lookup counts as a miss and the result is computed. Too short and a
    /// busy but healthy Redis is treated as down; too long and every request pays for a sick one.
    /// </summary>
    public TimeSpan RedisOperationTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// After a Redis failure or timeout, how long the server skips Redis before one request tries it
    /// again (a circuit breaker). Default 5 seconds. Shorter notices a recovered Redis sooner; longer
    /// spends fewer requests probing a dead one.
    /// </summary>
    public TimeSpan RedisRetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}
