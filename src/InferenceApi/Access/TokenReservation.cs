namespace InferenceApi.Access;

/// <summary>
/// Tokens reserved for one generation request (prompt plus the most it may generate). <see cref="Settle"/> charges what
/// was used and gives the rest back to the window it was taken from, whatever ended the request: its end, a stop
/// sequence, an error or the client leaving. Settling twice charges once.
/// </summary>
public sealed class TokenReservation
{
    private readonly ApiCaller _caller;
    private readonly QuotaLease? _lease;
    private readonly AccessMetrics _metrics;
    private int _settled;

    internal TokenReservation(ApiCaller caller, int reserved, QuotaLease? lease, AccessMetrics metrics)
    {
        _caller = caller;
        Reserved = reserved;
        _lease = lease;
        _metrics = metrics;
    }

    public int Reserved { get; }

    /// <summary>Charges <paramref name="used"/> tokens (at most the reservation) and returns the rest.</summary>
    public void Settle(int used)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            return;
        }

        var charged = Math.Clamp(used, 0, Reserved);
        _metrics.Tokens(_caller, charged);
        _lease?.Return(Reserved - charged);
        _lease?.Dispose();
    }
}
