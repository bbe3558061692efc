using InferenceApi.Core.Errors;

namespace InferenceApi.Access;

/// <summary>
/// One caller's tokens per minute, as a generation gateway needs them: reserve before the sequences are queued, settle
/// when the response is complete (<see cref="TokenReservation"/>). Null on a request when access control is off.
/// </summary>
public sealed class TokenQuota(AccessControl access, ApiCaller caller)
{
    public ApiCaller Caller { get; } = caller;

    /// <summary>A 429 naming <paramref name="field"/> when the caller cannot spend <paramref name="tokens"/> now.</summary>
    public ValueTask<Result<TokenReservation?>> ReserveAsync(int tokens, string field, CancellationToken cancellationToken) =>
        access.ReserveTokensAsync(Caller, tokens, field, cancellationToken);
}
