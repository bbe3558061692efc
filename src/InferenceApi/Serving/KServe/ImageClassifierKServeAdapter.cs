using System.Runtime.InteropServices;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Imaging;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Validation;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// KServe v2 for image classifiers (<see cref="ImageClassifierRuntime"/>). Clients send either preprocessed
/// tensors (<c>pixel_values</c> FP32 [batch, 3, H, W], exactly what the graph takes) or image files
/// (<c>image</c> BYTES [batch], each element a PNG/JPEG/WebP/BMP/GIF file: base64 in JSON, the file's own bytes over the
/// binary extension and gRPC; decoded and preprocessed here).
/// Rows are cached and batched with every other request. Output: <c>logits</c> FP32 [batch, labels].
/// </summary>
public sealed class ImageClassifierKServeAdapter(ImageClassificationGateway gateway, KServeRequestValidator kserve, RequestValidator validator)
    : KServeModelAdapter<ImageClassifierRuntime>
{
    // The tensor input and the logits keep the graph's own names, so a client can send what the model takes.
    public const string PixelValues = OptimumLayout.PixelValues;
    public const string Image = "image";
    public const string Logits = OptimumLayout.Logits;

    public override KServeModelSignature Describe(ModelDescription description)
    {
        var pixels = description.Signature.Input(PixelValues)?.Shape ?? [-1, 3, -1, -1];
        return new KServeModelSignature(
            [
                new(PixelValues, KServeDatatype.Fp32, [-1, .. pixels.Skip(1)]),
                new(Image, KServeDatatype.Bytes, [-1]),
            ],
            [new(Logits, KServeDatatype.Fp32, [-1, description.Labels.Count])]);
    }

    protected override async Task<Served<IReadOnlyList<KServeOutput>>> InferAsync(
        ModelVersion model, ImageClassifierRuntime runtime, ValidatedInferRequest request, CancellationToken cancellationToken)
    {
        if (request.Inputs.Count != 1 || request.Inputs[0].Name is not (PixelValues or Image))
        {
            var names = string.Join(", ", request.Inputs.Select(i => $"'{i.Name}'"));
            return InferenceError.Invalid(
                "inputs",
                $"Model '{model.Name}' takes exactly one input: '{PixelValues}' (FP32 [batch, 3, {runtime.Height}, {runtime.Width}]) or '{Image}' (BYTES [batch] of base64 image files). Given: {names}.",
                received: names);
        }

        var input = request.Inputs[0];
        var prepared = input.Name == PixelValues ? Tensors(runtime, input) : Files(runtime, input);
        if (!prepared.IsSuccess)
        {
            return prepared.Error;
        }

        var (keys, prepare) = prepared.Value;
        var run = await gateway.RunAsync(model, runtime, keys.Select(k => CacheKeys.For(model, ModelTask.ImageClassification, k)).ToArray(), prepare, cancellationToken);
        return run.Then(done => Result<IReadOnlyList<KServeOutput>>.Ok([KServeOutput.Fp32Rows(Logits, done.Outputs)]));
    }

    /// <summary>Rows of a [batch, 3, H, W] tensor; each row's bytes are its cache key.</summary>
    private Result<(byte[][] Keys, Func<int, Result<float[]>> Prepare)> Tensors(ImageClassifierRuntime runtime, KServeTensor pixels)
    {
        if (KServeRequestValidator.RequireDatatype(pixels, KServeDatatype.Fp32) is { } wrongType)
        {
            return wrongType;
        }

        var expected = $"[batch, 3, {runtime.Height}, {runtime.Width}]";
        if (pixels.Shape.Length != 4 || pixels.Shape[1] != 3 || pixels.Shape[2] != runtime.Height || pixels.Shape[3] != runtime.Width)
        {
            return InferenceError.Invalid($"{pixels.Field}.shape", $"Input '{PixelValues}' must have shape {expected}; it has {pixels.ShapeText}.", expected, pixels.ShapeText);
        }

        var batch = kserve.BatchSize(pixels);
        if (!batch.IsSuccess)
        {
            return batch.Error;
        }

        var length = runtime.PixelCount;
        var rows = Enumerable.Range(0, batch.Value).Select(r => pixels.Floats.AsSpan(r * length, length).ToArray()).ToArray();
        return (rows.Select(r => MemoryMarshal.AsBytes(r.AsSpan()).ToArray()).ToArray(), i => rows[i]);
    }

    /// <summary>Base64 image files; each file's bytes are its cache key, as on /v1/images/classify.</summary>
    private Result<(byte[][] Keys, Func<int, Result<float[]>> Prepare)> Files(ImageClassifierRuntime runtime, KServeTensor images)
    {
        if (KServeRequestValidator.RequireDatatype(images, KServeDatatype.Bytes) is { } wrongType)
        {
            return wrongType;
        }

        if (images.Shape.Length is not (1 or 2) || (images.Shape.Length == 2 && images.Shape[1] != 1))
        {
            return InferenceError.Invalid($"{images.Field}.shape", $"Input '{Image}' must have shape [batch] (or [batch, 1]); it has {images.ShapeText}.", received: images.ShapeText);
        }

        var batch = kserve.BatchSize(images);
        if (!batch.IsSuccess)
        {
            return batch.Error;
        }

        var limits = validator.Limits;
        var files = new byte[batch.Value][];
        for (var i = 0; i < files.Length; i++)
        {
            var field = $"{images.Field}.data[{i}]";
            byte[] buffer;
            int written;
            if (images.IsBinary)
            {
                // Over the binary extension and gRPC an element is the file itself; JSON can carry only base64 text.
                buffer = images.Value.Strings![i].ToArray();
                written = buffer.Length;
            }
            else
            {
                var text = images.Strings![i];
                buffer = new byte[(text.Length * 3 / 4) + 3];
                if (!Convert.TryFromBase64String(text, buffer, out written))
                {
                    return InferenceError.Invalid(field, $"`{field}` must be base64 of an image file.");
                }
            }

            if (written > limits.MaxImageBytes)
            {
                return new InferenceError(ErrorKind.PayloadTooLarge, $"`{field}` has {written} bytes; at most {limits.MaxImageBytes} are allowed per image.")
                {
                    Field = field,
                    Limit = limits.MaxImageBytes,
                    Received = written,
                };
            }

            files[i] = buffer[..written];
        }

        if (ImagePixelBudget.Check([.. files.Select(f => (ReadOnlyMemory<byte>)f)], limits, $"{images.Field}.data") is { } overBudget)
        {
            return overBudget;
        }

        var imageLimits = new ImageLimits(limits.MaxImageBytes, limits.MaxImagePixels, limits.MaxImageSide, limits.MaxImageSide);
        return (files, i => runtime.Prepare(files[i], imageLimits, $"{images.Field}.data[{i}]"));
    }
}
