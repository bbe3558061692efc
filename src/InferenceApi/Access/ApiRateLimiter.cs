using System.Threading.RateLimiting;
using InferenceApi.Core.Errors;

namespace InferenceApi.Access;

/// <summary>
/// Each key's two quotas as System.Threading.RateLimiting <see cref="PartitionedRateLimiter{TResource}"/>s partitioned by
/// key name: requests per minute for every request, tokens per minute (prompt + generated) for generation. A partition
/// is a <see cref="KeyQuotaLimiter"/>, or no limiter when the key sets no limit of that kind. The partition key carries
/// the limit too, so a key whose limit changes in the keys file gets a new limiter while its count, kept under the key's
/// name in <see cref="QuotaCounter"/>, carries on.
/// </summary>
public sealed class ApiRateLimiter : IAsyncDisposable
{
    public const string RequestsPolicy = "requests";
    public const string TokensPolicy = "tokens";

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<ApiCaller> _requests;
    private readonly PartitionedRateLimiter<ApiCaller> _tokens;

    public ApiRateLimiter(QuotaCounter counter)
    {
        _requests = Partitioned(counter, RequestsPolicy, null, key => key.RequestsPerMinute);
        _tokens = Partitioned(counter, TokensPolicy, TokensPolicy, key => key.TokensPerMinute);
    }

    /// <summary>The caller's quota policies (for <c>RateLimit-Policy</c>), without the state of their windows.</summary>
    public static IReadOnlyList<QuotaState> Policies(ApiCaller caller)
    {
        if (caller.Key is not { } key)
        {
            return [];
        }

        var policies = new List<QuotaState>(2);
        if (key.RequestsPerMinute is { } requests)
        {
            policies.Add(new QuotaState(RequestsPolicy, requests, Minute, requests, Minute));
        }

        if (key.TokensPerMinute is { } tokens)
        {
            policies.Add(new QuotaState(TokensPolicy, tokens, Minute, tokens, Minute, TokensPolicy));
        }

        return policies;
    }

    /// <summary>One request's permit: granted, or refused with the quota's state and when to retry.</summary>
    public ValueTask<RateLimitLease> AcquireRequestAsync(ApiCaller caller, CancellationToken cancellationToken) =>
        _requests.AcquireAsync(caller, 1, cancellationToken);

    /// <summary><paramref name="tokens"/> tokens of the caller's per-minute allowance, all or none.</summary>
    public ValueTask<RateLimitLease> AcquireTokensAsync(ApiCaller caller, int tokens, CancellationToken cancellationToken) =>
        _tokens.AcquireAsync(caller, tokens, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _requests.DisposeAsync().ConfigureAwait(false);
        await _tokens.DisposeAsync().ConfigureAwait(false);
    }

    private static PartitionedRateLimiter<ApiCaller> Partitioned(QuotaCounter counter, string policy, string? unit, Func<ApiKey, int?> limitOf) =>
        PartitionedRateLimiter.Create<ApiCaller, (string Name, int Limit)>(caller =>
            caller.Key is { } key && limitOf(key) is { } limit
                ? RateLimitPartition.Get<(string Name, int Limit)>((key.Name, limit), partition =>
                    new KeyQuotaLimiter(counter, $"{partition.Name}:{policy}", new QuotaState(policy, partition.Limit, Minute, partition.Limit, Minute, unit)))
                : RateLimitPartition.GetNoLimiter((string.Empty, 0)));
}
