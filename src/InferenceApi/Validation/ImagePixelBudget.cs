using InferenceApi.Core.Errors;
using InferenceApi.Core.Imaging;
using InferenceApi.Hosting;

namespace InferenceApi.Validation;

/// <summary>
/// The pixels one request may make the server decode, all its images together (<see cref="ApiOptions.MaxPixelsPerRequest"/>),
/// counted from the headers before any pixel is: a decode costs per pixel whatever the file's size, and a few kilobytes of
/// PNG each can declare tens of megapixels. Images without a readable header count nothing here; decoding refuses them.
/// </summary>
public static class ImagePixelBudget
{
    public static InferenceError? Check(IReadOnlyList<ReadOnlyMemory<byte>> images, ApiOptions limits, string field)
    {
        long total = 0;
        foreach (var image in images)
        {
            if (ImageDecoder.ReadSize(image.Span) is { } size)
            {
                total += (long)size.Width * size.Height;
            }
        }

        return total <= limits.MaxPixelsPerRequest
            ? null
            : new InferenceError(ErrorKind.PayloadTooLarge, $"The {images.Count} images of this request hold {total} pixels together; at most {limits.MaxPixelsPerRequest} are decoded per request.")
            {
                Field = field,
                Limit = limits.MaxPixelsPerRequest,
                Received = total,
            };
    }
}
