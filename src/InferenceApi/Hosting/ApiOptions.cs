using System.ComponentModel.DataAnnotations;

namespace InferenceApi.Hosting;

/// <summary>Limits on what one request may carry (section <c>Api</c>). Every input the API accepts is bounded here or by the model.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Largest request body in bytes; more gets 413. Default 4 MiB. Raise it for long batches of long texts.</summary>
    [Range(1024, 1L << 31)]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Largest body of a KServe v2 infer request (REST, JSON or binary tensors) and largest gRPC message, in bytes.
    /// Default 64 MiB: a batch of 32 RGB 224×224 FP32 images is 19 MB as binary tensors and about 50 MB as JSON. Bodies
    /// are held in memory while they are read.
    /// </summary>
    [Range(1024, 1L << 31)]
    public long MaxTensorRequestBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Most texts in one request; more gets 400. Default 128. Larger lists hold a request's queue places longer.</summary>
    [Range(1, 100_000)]
    public int MaxInputsPerRequest { get; set; } = 128;

    /// <summary>Most characters in one text before tokenizing; more gets 413. Default 100000. Stops huge texts costing tokenizer time when the model would refuse them anyway.</summary>
    [Range(1, 10_000_000)]
    public int MaxInputCharacters { get; set; } = 100_000;

    /// <summary>Most token ids in one detokenize request. Default 100000.</summary>
    [Range(1, 10_000_000)]
    public int MaxDetokenizeIds { get; set; } = 100_000;

    /// <summary>Largest body for image endpoints, in bytes. Default 32 MiB: several photos in one multipart upload.</summary>
    [Range(1024, 1L << 31)]
    public long MaxImageRequestBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Largest single image file, in bytes. Default 10 MiB.</summary>
    [Range(64, 1L << 30)]
    public int MaxImageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most pixels in one decoded image (width × height), checked from the header before decoding: stops decompression bombs. Default 40 million.</summary>
    [Range(1, 1L << 31)]
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>
    /// Most pixels the images of one request may hold together, read from their headers before decoding. Default 100
    /// million: two or three photos at the per-image limit, or 32 of 3 megapixels. Decoding costs time and memory per
    /// pixel, so this bounds one request's share of both; lower it when many large uploads arrive at once.
    /// </summary>
    [Range(1, 1L << 40)]
    public long MaxPixelsPerRequest { get; set; } = 100_000_000;

    /// <summary>Longest side of an image, in pixels. Default 16384.</summary>
    [Range(1, 1 << 20)]
    public int MaxImageSide { get; set; } = 16384;

    /// <summary>Most images in one request. Default 32.</summary>
    [Range(1, 10_000)]
    public int MaxImagesPerRequest { get; set; } = 32;
}
