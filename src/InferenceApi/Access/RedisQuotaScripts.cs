namespace InferenceApi.Access;

/// <summary>
/// The two Lua scripts that keep quota counters in Redis, so replicas share one count. A counter is one hash key
/// (<c>w</c>: the window's number since the epoch, <c>u</c>: units used in it), which keeps each script on one declared
/// key (Redis Cluster-safe). The window comes from the calling replica's clock: a replica whose clock is behind counts
/// in the window the others already opened instead of resetting it. Needs Redis 5 or later (EVAL with HSET of pairs).
/// </summary>
internal static class RedisQuotaScripts
{
    /// <summary>KEYS[1] counter; ARGV amount, limit, window ms, now ms → {taken 0|1, used, window, ms to reset}.</summary>
    public const string Take = """
        local amount = tonumber(ARGV[1])
        local limit = tonumber(ARGV[2])
        local length = tonumber(ARGV[3])
        local now = tonumber(ARGV[4])
        local window = math.floor(now / length)
        local state = redis.call('HMGET', KEYS[1], 'w', 'u')
        local stored = tonumber(state[1])
        local used = tonumber(state[2]) or 0
        if stored == nil or stored < window then
          used = 0
          redis.call('HSET', KEYS[1], 'w', window, 'u', 0)
          redis.call('PEXPIRE', KEYS[1], (window + 2) * length - now)
        else
          window = stored
        end
        local reset = (window + 1) * length - now
        if used + amount > limit then
          return {0, used, window, reset}
        end
        used = redis.call('HINCRBY', KEYS[1], 'u', amount)
        return {1, used, window, reset}
        """;

    /// <summary>KEYS[1] counter; ARGV window, amount: gives units back to that window if it is still the counter's.</summary>
    public const string Return = """
        local state = redis.call('HMGET', KEYS[1], 'w', 'u')
        if tonumber(state[1]) == tonumber(ARGV[1]) then
          local back = math.min(tonumber(state[2]) or 0, tonumber(ARGV[2]))
          if back > 0 then
            redis.call('HINCRBY', KEYS[1], 'u', -back)
          end
        end
        return 1
        """;
}
