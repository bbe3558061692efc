namespace InferenceApi.LoadGen.Scenarios;

/// <summary>One pooled client per run: unlimited connections (open loop must never queue in the client) and the per-request timeout.</summary>
public static class HttpClients
{
    public static HttpClient Create(Uri baseAddress, TimeSpan timeout) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseCookies = false,
            UseProxy = false,
        })
        {
            BaseAddress = baseAddress,
            Timeout = timeout,
        };
}
