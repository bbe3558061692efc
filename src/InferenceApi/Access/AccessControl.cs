using System.Threading.RateLimiting;
using InferenceApi.Core.Errors;

namespace InferenceApi.Access;

/// <summary>
/// Access control for every front end, HTTP or not, one call per step, each recording its own metrics: who is calling
/// (<see cref="Authenticate"/>), may they use this model or scope (<see cref="AuthorizeModel"/>,
/// <see cref="AuthorizeScope"/>), may they send a request now (<see cref="AdmitAsync"/>), may they spend these tokens
/// (<see cref="ReserveTokensAsync"/>). Refusals are <see cref="InferenceError"/>s of the access-control kinds, which
/// <c>ErrorTable</c> maps to 401/403/429 (and gRPC's Unauthenticated/PermissionDenied/ResourceExhausted), with
/// <see cref="InferenceError.RetryAfter"/> and <see cref="InferenceError.Quota"/> on 429s. With no key configured
/// every call allows everything at no cost.
/// </summary>
public sealed class AccessControl(ApiKeyAuthenticator authenticator, ApiRateLimiter limiter, AccessMetrics metrics)
{
    /// <summary>Whether keys are required (some key, or a keys file, is configured).</summary>
    public bool Enabled => authenticator.Enabled;

    /// <summary>The caller of a request with these credentials: an <c>Authorization</c> value (<c>Bearer KEY</c>) and/or an <c>X-Api-Key</c> value.</summary>
    public Result<ApiCaller> Authenticate(string? authorization, string? apiKey)
    {
        var caller = authenticator.Authenticate(authorization, apiKey);
        if (!caller.IsSuccess)
        {
            metrics.Denied(AccessMetrics.NoKey, 401, caller.Error.Kind == ErrorKind.MissingApiKey ? "missing_key" : "invalid_key");
        }

        return caller;
    }

    /// <summary>Null when <paramref name="caller"/> may use <paramref name="model"/>, else the 403 naming the model (and not the models the key has).</summary>
    public InferenceError? AuthorizeModel(ApiCaller caller, string model, string field = "model")
    {
        if (caller.CanUse(model))
        {
            return null;
        }

        metrics.Denied(caller.Name, 403, "model");
        var shown = model.Length <= 64 ? model : model[..64] + "…";
        return new InferenceError(ErrorKind.ModelForbidden,
            $"The API key '{caller.Name}' may not use model '{shown}'. GET /v1/models lists the models it may use.")
        {
            Field = field,
            Received = shown,
        };
    }

    /// <summary>Null when <paramref name="caller"/> has <paramref name="scope"/>, else the 403 naming it.</summary>
    public InferenceError? AuthorizeScope(ApiCaller caller, string scope)
    {
        if (caller.HasScope(scope))
        {
            return null;
        }

        metrics.Denied(caller.Name, 403, "scope");
        return new InferenceError(ErrorKind.InsufficientScope, $"This route needs an API key with the '{scope}' scope; the key '{caller.Name}' does not have it.");
    }

    /// <summary>
    /// One request against the caller's requests per minute: its <see cref="QuotaState"/> after this request (null when the
    /// key has no request limit), or a 429 with the time until the window ends.
    /// </summary>
    public async ValueTask<Result<QuotaState?>> AdmitAsync(ApiCaller caller, CancellationToken cancellationToken)
    {
        if (caller.Key?.RequestsPerMinute is null)
        {
            if (caller.Key is not null)
            {
                metrics.Admitted(caller);
            }

            return Result<QuotaState?>.Ok(null);
        }

        using var lease = await limiter.AcquireRequestAsync(caller, cancellationToken).ConfigureAwait(false);
        var state = (lease as QuotaLease)?.State;
        if (lease.IsAcquired)
        {
            metrics.Admitted(caller);
            return state;
        }

        metrics.Denied(caller.Name, 429, ApiRateLimiter.RequestsPolicy);
        return new InferenceError(ErrorKind.RateLimited,
            $"The API key '{caller.Name}' has used its {state?.Quota} requests for this minute; retry after the Retry-After seconds.")
        {
            RetryAfter = RetryAfter(lease),
            Quota = state,
        };
    }

    /// <summary>
    /// Reserves <paramref name="tokens"/> of the caller's tokens per minute before a generation runs (prompt plus the most
    /// it may generate); the reservation gives back what was not generated when it is settled. Null when the key has no
    /// token limit; a 429 naming <paramref name="field"/> when the minute's tokens are spent, or when the request alone
    /// needs more than a minute's allowance.
    /// </summary>
    public async ValueTask<Result<TokenReservation?>> ReserveTokensAsync(ApiCaller caller, int tokens, string field, CancellationToken cancellationToken)
    {
        if (caller.Key?.TokensPerMinute is null)
        {
            return Result<TokenReservation?>.Ok(caller.Key is null ? null : new TokenReservation(caller, tokens, null, metrics));
        }

        var lease = await limiter.AcquireTokensAsync(caller, tokens, cancellationToken).ConfigureAwait(false);
        var quota = lease as QuotaLease;
        if (lease.IsAcquired)
        {
            return new TokenReservation(caller, tokens, quota, metrics);
        }

        lease.Dispose();
        metrics.Denied(caller.Name, 429, ApiRateLimiter.TokensPolicy);
        var limit = caller.Key.TokensPerMinute;
        var message = quota?.OverQuota == true
            ? $"This request needs up to {tokens} tokens (prompt plus `{field}`), more than the {limit} tokens per minute the API key '{caller.Name}' may use; lower `{field}` or shorten the prompt."
            : $"The API key '{caller.Name}' has {quota?.State.Remaining} of its {limit} tokens left this minute and this request needs up to {tokens} (prompt plus `{field}`); retry after the Retry-After seconds.";
        return new InferenceError(ErrorKind.TokenLimitExceeded, message)
        {
            Field = field,
            Limit = limit,
            Received = tokens,
            RetryAfter = RetryAfter(lease),
            Quota = quota?.State,
        };
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
}
