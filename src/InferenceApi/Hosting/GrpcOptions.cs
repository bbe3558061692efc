using System.ComponentModel.DataAnnotations;

namespace InferenceApi.Hosting;

/// <summary>The KServe v2 gRPC front end (section <c>Grpc</c>).</summary>
public sealed class GrpcOptions
{
    public const string Section = "Grpc";

    /// <summary>
    /// The port of the gRPC endpoint (cleartext HTTP/2, on every interface), or none (the default): no gRPC. It is a
    /// port of its own because cleartext HTTP/2 needs an HTTP/2-only endpoint, which plain HTTP/1.1 clients could not
    /// use; the HTTP endpoints (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>) stay as they are.
    /// </summary>
    [Range(1, 65535)]
    public int? Port { get; set; }
}
