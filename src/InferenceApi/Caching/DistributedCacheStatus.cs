namespace InferenceApi.Caching;

/// <summary>
/// The shared tier's state, with the error that made it <see cref="DistributedCacheState.Unavailable"/>
/// and the time it entered that state.
/// </summary>
/// <param name="State">The current state.</param>
/// <param name="Since">When the tier entered <paramref name="State"/>.</param>
/// <param name="LastError">Why Redis is unavailable; <c>null</c> in the other states.</param>
public sealed record DistributedCacheStatus(DistributedCacheState State, DateTimeOffset Since, string? LastError = null);
