using System.Text.Json;
using InferenceApi.Access;
using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Inference;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Serving;
using InferenceApi.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace InferenceApi.Endpoints;

/// <summary><c>POST /v1/images/classify</c>: images as multipart uploads or base64 JSON → labels and scores.</summary>
public static class VisionEndpoints
{
    public static IEndpointRouteBuilder MapVisionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/images").WithTags("Vision")
            .MapPost("/classify", ClassifyAsync)
            .WithName("ClassifyImages")
            .WithSummary("Classify images (PNG, JPEG, WebP, BMP, GIF) sent as multipart/form-data files or as base64 in JSON.")
            .WithDescription("Multipart: form fields `model`, `top_k`, `version` and one or more files. JSON: `{model, images: [base64…], top_k, version}`. " +
                "Images are decoded (EXIF orientation applied, alpha dropped), preprocessed as the model's preprocessor_config.json says, batched, and cached by content hash.")
            .Accepts<ImageClassifyRequest>("application/json", "multipart/form-data")
            .WithRequestExample(new ImageClassifyRequest(ExampleModels.ImageClassifier, [ExampleModels.DigitPngBase64], 3, null))
            .WithMetadata(new BodySizeLimit(limits => limits.MaxImageRequestBytes))
            .ProducesErrors()
            .Produces<Microsoft.AspNetCore.Mvc.ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")
            .DisableAntiforgery();
        return app;
    }

    private static async Task<Results<Ok<ImageClassifyResponse>, ErrorResult>> ClassifyAsync(
        HttpRequest request,
        ImageClassificationGateway gateway,
        IOptions<JsonOptions> json,
        IOptions<ApiOptions> limits,
        CancellationToken cancellationToken)
    {
        var parsed = request.HasFormContentType
            ? await MultipartImageReader.ReadAsync(request, limits.Value, cancellationToken)
            : request.HasJsonContentType()
                ? await ReadJsonAsync(request, json.Value.SerializerOptions, cancellationToken)
                : new InferenceError(ErrorKind.UnsupportedMediaType, $"Send images as multipart/form-data or as JSON (application/json); got '{request.ContentType ?? "no content type"}'.");
        if (!parsed.IsSuccess)
        {
            return new ErrorResult(parsed.Error);
        }

        var (model, version, topK, images) = parsed.Value;

        // The model is in a body this handler reads itself, so the access filter cannot see it.
        if (request.HttpContext.AuthorizeModel(model) is { } denied)
        {
            return new ErrorResult(denied);
        }

        var run = request.HttpContext.Report(await gateway.RunAsync(model, version, images, topK, cancellationToken));
        if (!run.IsSuccess)
        {
            return new ErrorResult(run.Error);
        }

        var answer = run.Value;
        var results = answer.Outputs.Select(logits => new ImageClassificationResult(Classification.Rank(logits, answer.Description.Labels, topK))).ToArray();
        return TypedResults.Ok(new ImageClassifyResponse(answer.Model.Name, answer.Model.Version, results));
    }

    private static async Task<Result<(string? Model, long? Version, int? TopK, IReadOnlyList<ImageInput> Images)>> ReadJsonAsync(
        HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        var body = await request.ReadFromJsonAsync<ImageClassifyRequest>(options, cancellationToken);
        if (body is null)
        {
            return InferenceError.Invalid("images", "The request needs a JSON body.");
        }

        var images = new List<ImageInput>(body.Images?.Count ?? 0);
        for (var i = 0; i < (body.Images?.Count ?? 0); i++)
        {
            var field = $"images[{i}]";
            var text = body.Images![i] ?? string.Empty;

            // Data URLs are what browsers produce from a canvas or a FileReader.
            var comma = text.StartsWith("data:", StringComparison.Ordinal) ? text.IndexOf(',', StringComparison.Ordinal) : -1;
            var base64 = comma >= 0 ? text[(comma + 1)..] : text;
            var bytes = new byte[base64.Length * 3 / 4 + 3];
            if (!Convert.TryFromBase64String(base64, bytes, out var written))
            {
                return InferenceError.Invalid(field, $"`{field}` is not valid base64 (a data URL or plain base64 of the image file).");
            }

            images.Add(new ImageInput(bytes.AsMemory(0, written), field));
        }

        return (body.Model, body.Version, body.TopK, images);
    }
}
