using InferenceApi.Core.Errors;
using InferenceApi.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace InferenceApi.Hosting;

/// <summary>
/// Enforces <see cref="ApiOptions.MaxRequestBodyBytes"/> for every server, the test host included: a
/// declared length over the limit is refused before reading; a chunked body is cut off by the server's
/// own limit, which surfaces as a 413 through <see cref="BadRequestExceptionHandler"/>.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<ApiOptions> options)
{
    private readonly long _limit = options.Value.MaxRequestBodyBytes;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength is { } length && length > _limit)
        {
            var error = new InferenceError(ErrorKind.PayloadTooLarge, $"The request body has {length} bytes; at most {_limit} are allowed (Api:MaxRequestBodyBytes).")
            {
                Limit = _limit,
                Received = length,
            };
            return new ProblemResult(error).ExecuteAsync(context);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = _limit;
        }

        return next(context);
    }
}
