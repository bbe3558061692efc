using System.Net;
using InferenceApi.Endpoints;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace InferenceApi.Hosting;

/// <summary>
/// The KServe v2 gRPC front end on its own cleartext HTTP/2 port (<see cref="GrpcOptions.Port"/>), leaving the HTTP
/// endpoints as configured. Kestrel ignores <c>--urls</c>, <c>ASPNETCORE_URLS</c> and <c>ASPNETCORE_HTTP_PORTS</c> as
/// soon as an endpoint is declared in code, so when the gRPC port is on, those addresses are declared again here, as
/// they were given (default <c>http://localhost:5000</c>), next to it.
/// </summary>
public static class GrpcServerExtensions
{
    public static WebApplicationBuilder AddKServeGrpc(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GrpcOptions>().BindConfiguration(GrpcOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddGrpc();
        builder.Services.AddOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<IOptions<ApiOptions>>((grpc, api) =>
        {
            // The same body limit as REST's infer routes; answers are as large as the model makes them.
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, api.Value.MaxTensorRequestBytes);
            grpc.MaxSendMessageSize = null;
            grpc.EnableDetailedErrors = false;

            // Without this, gRPC maps a catch-all POST /{service}/{method} for unknown services, which outranks REST's
            // own 405 and 415 answers on two-segment paths (POST /v1/classify with a wrong media type became a 404).
            grpc.IgnoreUnknownServices = true;
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The application's own configuration, read when the server starts: test hosts and late sources are in by now.
            var configuration = kestrel.ApplicationServices.GetRequiredService<IConfiguration>();
            if (configuration.GetValue<int?>($"{GrpcOptions.Section}:{nameof(GrpcOptions.Port)}") is not { } port)
            {
                return;
            }

            foreach (var address in HttpAddresses(configuration))
            {
                Listen(kestrel, address);
            }

            kestrel.ListenAnyIP(port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        return builder;
    }

    /// <summary>
    /// Maps the gRPC service and returns its endpoint builder, for access rules. gRPC calls are HTTP/2 requests through
    /// the same pipeline and endpoint routing as REST, and their metadata are request headers: a client's
    /// <c>authorization: Bearer</c> metadata is the <c>Authorization</c> header REST authentication reads, and
    /// <c>RequireAuthorization(...)</c> on this builder applies to every call (a refusal reaches the client as
    /// UNAUTHENTICATED or PERMISSION_DENIED, from HTTP 401 and 403). No gRPC interceptor is needed for that.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapKServeGrpc(this WebApplication app) => app.MapGrpcService<KServeGrpcService>();

    /// <summary>The HTTP addresses the host was given: <c>urls</c>, else <c>http_ports</c> and <c>https_ports</c>, else Kestrel's default.</summary>
    private static IEnumerable<BindingAddress> HttpAddresses(IConfiguration configuration)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls))
        {
            var ports = (configuration["http_ports"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}")
                .Concat((configuration["https_ports"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"https://*:{p}"));
            urls = string.Join(';', ports);
        }

        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = "http://localhost:5000";
        }

        return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(BindingAddress.Parse);
    }

    private static void Listen(KestrelServerOptions kestrel, BindingAddress address)
    {
        Action<ListenOptions> configure = address.Scheme == Uri.UriSchemeHttps ? listen => listen.UseHttps() : _ => { };
        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, address.Port, configure);
        }
        else
        {
            // "*", "+", "0.0.0.0" spelled as a name, or a host name: Kestrel's own rule is every interface.
            kestrel.ListenAnyIP(address.Port, configure);
        }
    }
}
