using InferenceApi.Contracts;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Serving;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceApi.Endpoints;

/// <summary><c>POST /v1/embed</c>: one vector per text, mean-pooled over real tokens.</summary>
public static class EmbeddingsEndpoints
{
    public static IEndpointRouteBuilder MapEmbeddingsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1").WithTags("Embeddings")
            .MapPost("/embed", EmbedAsync)
            .WithName("Embed")
            .WithSummary("Embed one text or a list of texts with a feature-extraction model.")
            .WithDescription("Vectors are the mean of the last hidden states over real tokens, L2-normalised unless normalize is false.")
            .Accepts<EmbedRequest>("application/json")
            .WithRequestExample(new EmbedRequest(ExampleModels.Embedder, new TextInputs(["A gripping, beautifully acted film.", "A wonderful movie with superb acting."], false), true, false, null))
            .ProducesErrors();
        return app;
    }

    /// <summary>Applies the request's or the model's normalisation to the raw pooled vectors.</summary>
    internal static float[][] Finish(EncoderRun run, bool? normalize)
    {
        var vectors = new float[run.Outputs.Count][];
        var apply = normalize ?? run.Description.NormalizeByDefault;
        for (var i = 0; i < vectors.Length; i++)
        {
            vectors[i] = apply ? Pooling.L2Normalize(run.Outputs[i]) : run.Outputs[i];
        }

        return vectors;
    }

    private static async Task<Results<Ok<EmbedResponse>, ErrorResult>> EmbedAsync(
        EmbedRequest request,
        TextEncoderGateway gateway,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var run = http.Report(await gateway.RunAsync(
            new EncoderRequest(request.Model, request.Version, request.Inputs, "inputs", request.Truncate ?? false, ModelTask.FeatureExtraction),
            cancellationToken));
        if (!run.IsSuccess)
        {
            return new ErrorResult(run.Error);
        }

        var vectors = Finish(run.Value, request.Normalize);
        return TypedResults.Ok(new EmbedResponse(run.Value.Model.Name, run.Value.Model.Version, vectors[0].Length, vectors, new Usage(run.Value.PromptTokens, run.Value.PromptTokens)));
    }
}
