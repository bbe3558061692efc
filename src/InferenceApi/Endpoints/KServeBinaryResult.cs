using System.Globalization;
using System.Text.Json;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Backends;
using InferenceApi.Serving.KServe;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace InferenceApi.Endpoints;

/// <summary>
/// An infer answer with binary outputs (binary tensor extension): the JSON response, whose binary outputs carry
/// <c>binary_data_size</c> instead of <c>data</c>, then those outputs' bytes in output order;
/// <c>Inference-Header-Content-Length</c> gives the JSON's length.
/// </summary>
public sealed class KServeBinaryResult(KServeInferResponse header, IReadOnlyList<TensorValue> binaries) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var json = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, json);
        var tensors = binaries.Select(KServeTensorBinary.Bytes).ToArray();
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.Headers[KServeInferBody.HeaderLength] = headerBytes.Length.ToString(CultureInfo.InvariantCulture);
        response.ContentLength = headerBytes.Length + tensors.Sum(t => (long)t.Length);
        await response.Body.WriteAsync(headerBytes, httpContext.RequestAborted);
        foreach (var tensor in tensors)
        {
            await response.Body.WriteAsync(tensor, httpContext.RequestAborted);
        }
    }
}
