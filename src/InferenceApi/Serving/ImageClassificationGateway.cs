using InferenceApi.Core.Errors;
using InferenceApi.Core.Imaging;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;
using InferenceApi.Validation;

namespace InferenceApi.Serving;

/// <summary>
/// The image endpoint's path: validate, lease the model, answer from the cache by image content hash,
/// decode and preprocess only the misses, and queue them with everyone else's images.
/// </summary>
public sealed class ImageClassificationGateway(ModelRepository repository, CachedRunner runner, RequestValidator validator)
{
    public async Task<Served<ImageRun>> RunAsync(string? model, long? version, IReadOnlyList<ImageInput> images, int? topK, CancellationToken cancellationToken)
    {
        var selector = validator.Model(model, version);
        if (!selector.IsSuccess)
        {
            return selector.Error;
        }

        var limits = validator.Limits;
        if (images.Count == 0)
        {
            return InferenceError.Invalid("images", "No image was sent: upload files as multipart/form-data, or send `images` as base64 strings.", limits.MaxImagesPerRequest, 0);
        }

        if (images.Count > limits.MaxImagesPerRequest)
        {
            return InferenceError.Invalid("images", $"{images.Count} images were sent; at most {limits.MaxImagesPerRequest} are allowed per request.", limits.MaxImagesPerRequest, images.Count);
        }

        foreach (var image in images.Where(i => i.Bytes.Length > limits.MaxImageBytes))
        {
            return new InferenceError(ErrorKind.PayloadTooLarge, $"`{image.Field}` has {image.Bytes.Length} bytes; at most {limits.MaxImageBytes} are allowed per image.")
            {
                Field = image.Field,
                Limit = limits.MaxImageBytes,
                Received = image.Bytes.Length,
            };
        }

        if (ImagePixelBudget.Check([.. images.Select(i => i.Bytes)], limits, "images") is { } overBudget)
        {
            return overBudget;
        }

        var acquired = repository.Acquire<ImageClassifierRuntime>(selector.Value.Name, selector.Value.Version);
        if (!acquired.IsSuccess)
        {
            return acquired.Error;
        }

        using var lease = acquired.Value;
        var runtime = lease.Runtime;
        if (validator.TopK(topK, runtime.Description.Labels.Count) is { } badTopK)
        {
            return new Served<ImageRun>(badTopK, lease.Model);
        }

        var keys = images.Select(i => CacheKeys.For(lease.Model, ModelTask.ImageClassification, i.Bytes.Span)).ToArray();
        var imageLimits = new ImageLimits(limits.MaxImageBytes, limits.MaxImagePixels, limits.MaxImageSide, limits.MaxImageSide);
        return await RunAsync(lease.Model, runtime, keys, i => runtime.Prepare(images[i].Bytes.Span, imageLimits, images[i].Field), cancellationToken);
    }

    /// <summary>
    /// The shared tail for inputs already tied to a leased image model (the KServe v2 adapter enters here with
    /// client-sent tensors): cache lookups, <paramref name="prepare"/> for the misses only, the scheduler.
    /// The caller holds the lease on <paramref name="model"/> until the answer is written.
    /// </summary>
    /// <param name="prepare">Turns input i into the model's [3, H, W] tensor, or says what is wrong with it.</param>
    public async Task<Served<ImageRun>> RunAsync(
        ModelVersion model, ImageClassifierRuntime runtime, IReadOnlyList<string> keys, Func<int, Result<float[]>> prepare, CancellationToken cancellationToken)
    {
        var batch = await runner.RunAsync(
            keys,
            (misses, ct) =>
            {
                var tensors = new float[misses.Count][];
                for (var m = 0; m < misses.Count; m++)
                {
                    var prepared = prepare(misses[m]);
                    if (!prepared.IsSuccess)
                    {
                        return Task.FromResult(Result<Timed<float[]>[]>.Fail(prepared.Error));
                    }

                    tensors[m] = prepared.Value;
                }

                return runtime.RunAsync(tensors, ct);
            },
            cancellationToken);
        return batch.IsSuccess
            ? new Served<ImageRun>(new ImageRun(model, runtime.Description, batch.Value.Outputs), model, batch.Value.Report)
            : new Served<ImageRun>(batch.Error, model);
    }
}
