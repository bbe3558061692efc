using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Serving;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceApi.Endpoints;

/// <summary>OpenAI-compatible <c>POST /v1/embeddings</c>; completions and chat are <see cref="OpenAiGenerationEndpoints"/>, the model list <see cref="ModelsEndpoints"/>.</summary>
public static class OpenAiEmbeddingsEndpoints
{
    public static IEndpointRouteBuilder MapOpenAiEmbeddingsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1").WithTags("OpenAI compatible").WithErrorFamily(ErrorFamily.OpenAi)
            .MapPost("/embeddings", EmbeddingsAsync)
            .WithName("OpenAiEmbeddings")
            .WithSummary("OpenAI-compatible embeddings: the official OpenAI clients work against this server unchanged.")
            .WithDescription("encoding_format is float (default) or base64 (little-endian float32, which the OpenAI .NET client asks for). Vectors are L2-normalised, as OpenAI's are.")
            .Accepts<OpenAiEmbeddingsRequest>("application/json")
            .WithRequestExample(new OpenAiEmbeddingsRequest(ExampleModels.Embedder, new TextInputs(["The food was delicious."], false), "float", null, null))
            .ProducesErrors();
        return app;
    }

    private static async Task<Results<Ok<OpenAiEmbeddingsResponse>, ErrorResult>> EmbeddingsAsync(
        OpenAiEmbeddingsRequest request,
        TextEncoderGateway gateway,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var format = request.EncodingFormat ?? "float";
        if (format is not ("float" or "base64"))
        {
            return new ErrorResult(InferenceError.Invalid("encoding_format", $"`encoding_format` must be \"float\" or \"base64\". Given: \"{format}\"", received: format));
        }

        var run = http.Report(await gateway.RunAsync(
            new EncoderRequest(request.Model, null, request.Input, "input", Truncate: false, ModelTask.FeatureExtraction),
            cancellationToken));
        if (!run.IsSuccess)
        {
            return new ErrorResult(run.Error);
        }

        var vectors = EmbeddingsEndpoints.Finish(run.Value, normalize: true);
        if (request.Dimensions is { } dimensions && dimensions != vectors[0].Length)
        {
            return new ErrorResult(InferenceError.Invalid(
                "dimensions", $"`dimensions` must equal the model's {vectors[0].Length} (it cannot be reduced); omit it. Given: {dimensions}", vectors[0].Length, dimensions));
        }

        var data = new OpenAiEmbedding[vectors.Length];
        for (var i = 0; i < vectors.Length; i++)
        {
            data[i] = new OpenAiEmbedding(i, format == "base64" ? ToBase64(vectors[i]) : vectors[i]);
        }

        return TypedResults.Ok(new OpenAiEmbeddingsResponse(data, run.Value.Model.Name, new Usage(run.Value.PromptTokens, run.Value.PromptTokens)));
    }

    private static string ToBase64(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return Convert.ToBase64String(bytes);
    }
}
