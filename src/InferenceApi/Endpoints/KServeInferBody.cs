using System.Globalization;
using System.Text.Json;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Errors;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace InferenceApi.Endpoints;

/// <summary>
/// The body of a REST infer request: plain JSON, or (binary tensor extension) a JSON header of
/// <c>Inference-Header-Content-Length</c> bytes followed by the tensors' raw bytes. Bound by minimal APIs through
/// <see cref="BindAsync"/>; what cannot be read is <see cref="Error"/> (malformed JSON throws, and answers like any
/// binding failure).
/// </summary>
public sealed record KServeInferBody(KServeInferRequest? Request, ReadOnlyMemory<byte> Binary, InferenceError? Error = null)
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    public static async ValueTask<KServeInferBody?> BindAsync(HttpContext context)
    {
        var request = context.Request;
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        if (!request.Headers.TryGetValue(HeaderLength, out var declared))
        {
            if (!request.HasJsonContentType())
            {
                throw new BadHttpRequestException("Unsupported media type", StatusCodes.Status415UnsupportedMediaType);
            }

            return new KServeInferBody(await request.ReadFromJsonAsync<KServeInferRequest>(json, context.RequestAborted), default);
        }

        if (!long.TryParse(declared.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var headerLength))
        {
            return Invalid($"The {HeaderLength} header must be the JSON header's length in bytes. Given: '{declared}'", declared.ToString());
        }

        var body = new MemoryStream(request.ContentLength is { } length and <= int.MaxValue ? (int)length : 0);
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);
        if (headerLength == 0)
        {
            return Invalid($"{HeaderLength}: 0 (a body of raw tensor bytes without a JSON header) is not supported; send the JSON header with binary_data_size on each binary input.", 0);
        }

        if (headerLength > bytes.Length)
        {
            return Invalid($"{HeaderLength} says the JSON header has {headerLength} bytes but the body has {bytes.Length}.", headerLength, bytes.Length);
        }

        var header = JsonSerializer.Deserialize<KServeInferRequest>(bytes.Span[..(int)headerLength], json);
        return new KServeInferBody(header, bytes[(int)headerLength..]);
    }

    private static KServeInferBody Invalid(string message, object received, object? limit = null) =>
        new(null, default, new InferenceError(ErrorKind.Validation, message) { Field = HeaderLength, Received = received, Limit = limit });
}
