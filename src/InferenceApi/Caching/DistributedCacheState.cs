namespace InferenceApi.Caching;

/// <summary>The state of the shared (Redis) tier of the result cache, as this replica sees it.</summary>
public enum DistributedCacheState
{
    /// <summary>No Redis is configured (or caching is disabled): the in-process tier works alone.</summary>
    NotConfigured = 0,

    /// <summary>Redis is configured but no operation has completed yet (the first connection is being made).</summary>
    Connecting,

    /// <summary>The last Redis operation succeeded.</summary>
    Connected,

    /// <summary>The last Redis operation failed or timed out; Redis is skipped until the retry interval passes.</summary>
    Unavailable,
}
