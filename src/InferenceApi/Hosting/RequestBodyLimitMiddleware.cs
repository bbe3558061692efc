using InferenceApi.Core.Errors;
using InferenceApi.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace InferenceApi.Hosting;

/// <summary>
/// Enforces <see cref="ApiOptions.MaxRequestBodyBytes"/> with a 413 problem body on every server, the test
/// host included: a declared length over the limit is refused before reading; a body of unknown length
/// (chunked) is read up to the limit first, since a failure in the middle of JSON binding would otherwise
/// reach the client as a bare status without a body.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<ApiOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // Routing has run (WebApplication routes first), so an endpoint's own limit is known here.
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodySizeLimit>()?.Bytes(options.Value) ?? options.Value.MaxRequestBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            // Kestrel's own limit (30 MB by default) must not undercut an endpoint's larger one.
            feature.MaxRequestBodySize = limit + 1;
        }

        if (context.Request.ContentLength is { } length)
        {
            if (length > limit)
            {
                await new ErrorResult(TooLarge(limit, length)).ExecuteAsync(context);
                return;
            }
        }
        else if (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method))
        {
            var buffered = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffered.Length + read > limit)
                {
                    await new ErrorResult(TooLarge(limit, null)).ExecuteAsync(context);
                    return;
                }

                buffered.Write(chunk, 0, read);
            }

            buffered.Position = 0;
            context.Request.Body = buffered;
            context.Response.RegisterForDispose(buffered);
        }

        await next(context);
    }

    private static InferenceError TooLarge(long limit, long? length) => new(
        ErrorKind.PayloadTooLarge,
        length is { } declared
            ? $"The request body has {declared} bytes; at most {limit} are allowed here (Api:MaxRequestBodyBytes; Api:MaxImageRequestBytes for images, Api:MaxTensorRequestBytes for KServe infer)."
            : $"The request body is larger than {limit} bytes (Api:MaxRequestBodyBytes; Api:MaxImageRequestBytes for images, Api:MaxTensorRequestBytes for KServe infer).")
    {
        Limit = limit,
        Received = length,
    };
}
