using System.Globalization;
using Grpc.Core;
using InferenceApi.Core.Errors;

namespace InferenceApi.Errors;

/// <summary>
/// An <see cref="InferenceError"/> as the gRPC front end answers it: the status code of <see cref="ErrorTable"/>, the
/// message as the status detail, and <c>retry-after</c> (whole seconds) in the trailers when the error says when to
/// come back. The HTTP status the table gives is kept for the request metric, since a gRPC call's HTTP status is 200.
/// </summary>
public static class GrpcErrors
{
    /// <summary>Where the request metric finds the status of a call whose HTTP status does not say it (gRPC).</summary>
    public const string StatusItem = "inference.status";

    public static RpcException ToRpcException(InferenceError error, HttpContext? http = null)
    {
        var spec = ErrorTable.Of(error.Kind);
        if (http is not null)
        {
            http.Items[StatusItem] = spec.Status;
        }

        var trailers = new Metadata();
        if (error.RetryAfter is { } retryAfter)
        {
            trailers.Add("retry-after", Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        if (error.Field is { } field)
        {
            trailers.Add("field", field);
        }

        return new RpcException(new Status(spec.Grpc, error.Message), trailers);
    }
}
