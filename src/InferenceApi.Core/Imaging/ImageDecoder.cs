using InferenceApi.Core.Errors;
using SkiaSharp;

namespace InferenceApi.Core.Imaging;

/// <summary>
/// Turns encoded bytes into the RGB pixels a Hugging Face pipeline would see after
/// <c>ImageOps.exif_transpose(Image.open(...)).convert("RGB")</c>: upright, alpha dropped without compositing.
/// </summary>
public static class ImageDecoder
{
    public const string SupportedFormats = "PNG, JPEG, WebP, BMP, GIF";

    /// <summary>
    /// Decodes PNG, JPEG, WebP, BMP or the first frame of a GIF. Failures are values: 413 over a limit (checked from
    /// the header, before pixels are decoded), 415 for anything that is not one of those formats, 422 for damaged data.
    /// </summary>
    /// <param name="field">The request field holding the image (e.g. <c>images[2]</c>), named in errors.</param>
    /// <param name="resizeTo">
    /// The size (upright) the caller resizes to next, when it does: an image at least three times larger on each side is
    /// decoded at a whole fraction of its size (<see cref="ReducedDecoder"/>). Null: full resolution.
    /// </param>
    public static Result<DecodedImage> Decode(ReadOnlySpan<byte> data, ImageLimits limits, string? field = null, (int Width, int Height)? resizeTo = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var subject = field is null ? "The image" : $"The image in '{field}'";

        if (data.Length > limits.MaxBytes)
        {
            return TooLarge(field, $"{subject} is {data.Length} bytes; at most {limits.MaxBytes} are allowed.", limits.MaxBytes, data.Length);
        }

        var sniffed = SniffFormat(data);
        if (data.IsEmpty)
        {
            return Unsupported(field, $"{subject} is empty. Supported formats: {SupportedFormats}.");
        }

        using var encoded = SKData.CreateCopy(data);
        using var codec = SKCodec.Create(encoded);
        if (codec is null)
        {
            return sniffed switch
            {
                // The signature says a format we decode, so the rest of the file is what is wrong.
                "PNG" or "JPEG" or "WebP" or "BMP" or "GIF" =>
                    Corrupt(field, $"{subject} looks like {sniffed} but its header is truncated or corrupt."),
                null => Unsupported(field, $"{subject} is not in a recognised image format. Supported formats: {SupportedFormats}."),
                _ => Unsupported(field, $"{subject} is {sniffed}, which is not supported. Supported formats: {SupportedFormats}."),
            };
        }

        var format = codec.EncodedFormat;
        if (format is not (SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Webp
            or SKEncodedImageFormat.Bmp or SKEncodedImageFormat.Gif))
        {
            return Unsupported(field, $"{subject} is {format.ToString().ToUpperInvariant()}, which is not supported. Supported formats: {SupportedFormats}.");
        }

        var storedWidth = codec.Info.Width;
        var storedHeight = codec.Info.Height;
        var origin = codec.EncodedOrigin;
        var swapsAxes = SwapsAxes(origin);
        var width = swapsAxes ? storedHeight : storedWidth;
        var height = swapsAxes ? storedWidth : storedHeight;

        if (CheckSize(width, height, limits, field, subject) is { } sizeError)
        {
            return sizeError;
        }

        var factor = resizeTo is { } target
            ? ReducedDecoder.Factor(storedWidth, storedHeight, swapsAxes ? target.Height : target.Width, swapsAxes ? target.Width : target.Height)
            : 1;
        // A reduced decode takes a slot itself when it has to decode whole; a full one holds it through the upright copy.
        using var slot = factor > 1 ? default : WholeDecodeGate.Shared.Enter((long)storedWidth * storedHeight * 4);
        var (rgba, decodedWidth, decodedHeight, result) = factor > 1 ? ReducedDecoder.Decode(codec, factor) : DecodeFull(codec);
        try
        {
            if (result != SKCodecResult.Success)
            {
                var why = result switch
                {
                    SKCodecResult.IncompleteInput => "is truncated",
                    SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput => "is corrupt",
                    _ => $"could not be decoded ({result})",
                };
                return Corrupt(field, $"{subject} ({FormatName(format)}, {width}×{height}) {why}.");
            }

            var image = DecodedImage.Rent(swapsAxes ? decodedHeight : decodedWidth, swapsAxes ? decodedWidth : decodedHeight);
            CopyUpright(rgba, decodedWidth, decodedHeight, origin, image.WritablePixels);
            return image;
        }
        finally
        {
            PixelBuffers.Return(rgba);
        }
    }

    /// <summary>Reads the size an image's header declares (upright), without decoding pixels; null when there is no readable header.</summary>
    public static (int Width, int Height)? ReadSize(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return null;
        }

        using var encoded = SKData.CreateCopy(data);
        using var codec = SKCodec.Create(encoded);
        if (codec is null)
        {
            return null;
        }

        var swapsAxes = SwapsAxes(codec.EncodedOrigin);
        return swapsAxes ? (codec.Info.Height, codec.Info.Width) : (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>Whether an EXIF orientation turns the image a quarter, so its upright width is its stored height.</summary>
    private static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>The stored image, whole, as unpremultiplied RGBA in a buffer from <see cref="PixelBuffers"/>.</summary>
    internal static (byte[] Rgba, int Width, int Height, SKCodecResult Result) DecodeFull(SKCodec codec)
    {
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = PixelBuffers.Rent(info.BytesSize);

        // A GIF frame smaller than its canvas leaves pixels untouched; they must not show a previous request's data.
        Array.Clear(rgba, 0, info.BytesSize);
        return (rgba, info.Width, info.Height, codec.GetPixels(info, rgba));
    }

    private static InferenceError? CheckSize(int width, int height, ImageLimits limits, string? field, string subject)
    {
        if (width > limits.MaxWidth)
        {
            return TooLarge(field, $"{subject} is {width} pixels wide; at most {limits.MaxWidth} are allowed.", limits.MaxWidth, width);
        }

        if (height > limits.MaxHeight)
        {
            return TooLarge(field, $"{subject} is {height} pixels high; at most {limits.MaxHeight} are allowed.", limits.MaxHeight, height);
        }

        var pixels = (long)width * height;

        // Past Array.MaxLength the RGBA buffer cannot exist, whatever the configured limit says.
        var maxPixels = Math.Min(limits.MaxPixels, Array.MaxLength / 4);
        if (pixels > maxPixels)
        {
            return TooLarge(field, $"{subject} is {width}×{height} = {pixels} pixels; at most {maxPixels} are allowed.", maxPixels, pixels);
        }

        return width <= 0 || height <= 0 ? Corrupt(field, $"{subject} claims a size of {width}×{height}.") : null;
    }

    /// <summary>
    /// Drops alpha and applies the EXIF orientation in one pass. Unpremultiplied decoding keeps the stored colour of
    /// transparent pixels, as PIL's convert("RGB") does.
    /// </summary>
    private static void CopyUpright(byte[] rgba, int storedWidth, int storedHeight, SKEncodedOrigin origin, Span<byte> rgb)
    {
        var swapsAxes = SwapsAxes(origin);
        var width = swapsAxes ? storedHeight : storedWidth;
        var height = swapsAxes ? storedWidth : storedHeight;
        var lastX = storedWidth - 1;
        var lastY = storedHeight - 1;

        // Each origin is an affine map from output (x, y) to the stored pixel: source = start + x·stepX + y·stepY.
        var (start, stepX, stepY) = origin switch
        {
            SKEncodedOrigin.TopRight => (lastX, -1, storedWidth),
            SKEncodedOrigin.BottomRight => ((lastY * storedWidth) + lastX, -1, -storedWidth),
            SKEncodedOrigin.BottomLeft => (lastY * storedWidth, 1, -storedWidth),
            SKEncodedOrigin.LeftTop => (0, storedWidth, 1),
            SKEncodedOrigin.RightTop => (lastY * storedWidth, -storedWidth, 1),
            SKEncodedOrigin.RightBottom => ((lastY * storedWidth) + lastX, -storedWidth, -1),
            SKEncodedOrigin.LeftBottom => (lastX, storedWidth, -1),
            _ => (0, 1, storedWidth),
        };

        var output = 0;
        for (var y = 0; y < height; y++)
        {
            var source = start + (y * stepY);
            for (var x = 0; x < width; x++, source += stepX, output += 3)
            {
                var offset = source * 4;
                rgb[output] = rgba[offset];
                rgb[output + 1] = rgba[offset + 1];
                rgb[output + 2] = rgba[offset + 2];
            }
        }
    }

    private static string FormatName(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Webp => "WebP",
        _ => format.ToString().ToUpperInvariant(),
    };

    /// <summary>Names a format from its signature, so a refusal can say what was sent rather than only what was not.</summary>
    private static string? SniffFormat(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]))
        {
            return "PNG";
        }

        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "JPEG";
        }

        if (data.StartsWith("GIF8"u8))
        {
            return "GIF";
        }

        if (data.StartsWith("BM"u8))
        {
            return "BMP";
        }

        if (data.StartsWith("RIFF"u8) && data.Length >= 12 && data[8..12].SequenceEqual("WEBP"u8))
        {
            return "WebP";
        }

        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8))
        {
            return "TIFF";
        }

        if (data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = data[8..12];
            return brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8) ? "AVIF"
                : brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) ? "HEIF"
                : null;
        }

        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || data.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]))
        {
            return "JPEG XL";
        }

        if (data.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0x00]))
        {
            return "ICO";
        }

        if (data.StartsWith("%PDF"u8))
        {
            return "PDF";
        }

        return data.TrimStart(" \t\r\n"u8).StartsWith("<"u8) ? "SVG or other XML/HTML text" : null;
    }

    private static InferenceError TooLarge(string? field, string message, object limit, object received) =>
        new(ErrorKind.PayloadTooLarge, message) { Field = field, Limit = limit, Received = received };

    private static InferenceError Unsupported(string? field, string message) =>
        new(ErrorKind.UnsupportedMediaType, message) { Field = field };

    private static InferenceError Corrupt(string? field, string message) =>
        new(ErrorKind.Unprocessable, message) { Field = field };
}
