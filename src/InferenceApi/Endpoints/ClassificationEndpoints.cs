using InferenceApi.Contracts;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Serving;
using InferenceApi.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceApi.Endpoints;

/// <summary><c>POST /v1/classify</c>: labels and scores for one text or many.</summary>
public static class ClassificationEndpoints
{
    public static IEndpointRouteBuilder MapClassificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1").WithTags("Classification")
            .MapPost("/classify", ClassifyAsync)
            .WithName("Classify")
            .WithSummary("Classify one text or a list of texts (sentiment and other text-classification models).")
            .WithDescription("Texts are batched with other requests. Scores are softmax probabilities, best first. Results are cached by model version and token ids (X-Cache).")
            .Accepts<ClassifyRequest>("application/json")
            .WithRequestExample(new ClassifyRequest(ExampleModels.Classifier, new TextInputs(["The movie was great!", "A dull, boring plot."], false), 2, false, null))
            .ProducesErrors();
        return app;
    }

    private static async Task<Results<Ok<ClassifyResponse>, ErrorResult>> ClassifyAsync(
        ClassifyRequest request,
        RequestValidator validator,
        TextEncoderGateway gateway,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var run = http.Report(await gateway.RunAsync(
            new EncoderRequest(
                request.Model,
                request.Version,
                request.Inputs,
                "inputs",
                request.Truncate ?? false,
                ModelTask.TextClassification,
                description => validator.TopK(request.TopK, description.Labels.Count)),
            cancellationToken));
        if (!run.IsSuccess)
        {
            return new ErrorResult(run.Error);
        }

        var answer = run.Value;
        var results = new ClassificationResult[answer.Outputs.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = new ClassificationResult(Classification.Rank(answer.Outputs[i], answer.Description.Labels, request.TopK), answer.Truncated[i]);
        }

        return TypedResults.Ok(new ClassifyResponse(answer.Model.Name, answer.Model.Version, results, new Usage(answer.PromptTokens, answer.PromptTokens)));
    }
}
