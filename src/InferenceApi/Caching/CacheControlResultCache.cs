using Microsoft.Net.Http.Headers;

namespace InferenceApi.Caching;

/// <summary>
/// Honours the request's <c>Cache-Control</c> in front of <see cref="TwoLevelResultCache"/>: <c>no-cache</c> skips
/// the read, so the model runs and the fresh answer is stored for later requests; <c>no-store</c> neither reads nor
/// stores. For load tests that must measure the model rather than the cache, and for clients that want a fresh run.
/// Outside a request (background work, tests of the cache itself) everything passes through.
/// </summary>
public sealed class CacheControlResultCache(TwoLevelResultCache inner, IHttpContextAccessor http) : IResultCache
{
    /// <inheritdoc />
    public DistributedCacheStatus DistributedStatus => inner.DistributedStatus;

    /// <inheritdoc />
    public ValueTask<CacheLookup> GetAsync(string key, CancellationToken cancellationToken) =>
        Directives() is { } directives && (directives.NoCache || directives.NoStore)
            ? ValueTask.FromResult(CacheLookup.Miss)
            : inner.GetAsync(key, cancellationToken);

    /// <inheritdoc />
    public void Set(string key, ReadOnlyMemory<byte> value)
    {
        if (Directives() is not { NoStore: true })
        {
            inner.Set(key, value);
        }
    }

    private CacheControlHeaderValue? Directives()
    {
        var header = http.HttpContext?.Request.Headers.CacheControl;
        return header is { Count: > 0 } values && CacheControlHeaderValue.TryParse(values.ToString(), out var parsed) ? parsed : null;
    }
}
