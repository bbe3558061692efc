using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace InferenceApi.Access;

/// <summary>
/// Once the server listens, one Warning when it listens beyond this machine (any address that is not loopback, or all
/// addresses) with access control off: the quick start is open on purpose, a server reachable by others should not be.
/// </summary>
public sealed partial class OpenAccessWarning(IServer server, ApiKeyStore keys, IHostApplicationLifetime lifetime, ILogger<OpenAccessWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Check);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether <paramref name="address"/> (as Kestrel reports it, e.g. <c>http://0.0.0.0:8080</c>) is reachable from other machines.</summary>
    public static bool IsReachableFromOthers(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return true;
        }

        var host = uri.Host.Trim('[', ']');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return !IPAddress.TryParse(host, out var ip) || !IPAddress.IsLoopback(ip);
    }

    private void Check()
    {
        if (keys.Enabled)
        {
            return;
        }

        var open = server.Features.Get<IServerAddressesFeature>()?.Addresses.Where(IsReachableFromOthers).ToList() ?? [];
        if (open.Count > 0)
        {
            LogOpen(string.Join(", ", open));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Access control is off (no API key configured) and the server listens on {Addresses}: anyone who reaches it can use every model. Configure Auth:Keys or Auth:KeysFile (dotnet run --project src/InferenceApi -- keys new --name NAME --models '*')")]
    private partial void LogOpen(string addresses);
}
