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
    private readonly long _limit = options.Value.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength is { } length)
        {
            if (length > _limit)
            {
                await KServeErrorResult.For(context, TooLarge(length)).ExecuteAsync(context);
                return;
            }
        }
        else if (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method))
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                // Kestrel would also stop at the limit; the buffer below turns that into a problem body.
                feature.MaxRequestBodySize = _limit + 1;
            }

            var buffered = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffered.Length + read > _limit)
                {
                    await KServeErrorResult.For(context, TooLarge(null)).ExecuteAsync(context);
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

    private InferenceError TooLarge(long? length) => new(
        ErrorKind.PayloadTooLarge,
        length is { } declared
            ? $"The request body has {declared} bytes; at most {_limit} are allowed (Api:MaxRequestBodyBytes)."
            : $"The request body is larger than {_limit} bytes (Api:MaxRequestBodyBytes).")
    {
        Limit = _limit,
        Received = length,
    };
}
