using System.Globalization;
using System.Text;
using InferenceApi.Core.Errors;
using InferenceApi.Hosting;
using InferenceApi.Serving;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace InferenceApi.Validation;

/// <summary>
/// Reads an image upload sent as <c>multipart/form-data</c> part by part, with a limit on everything a client controls
/// and a 4xx naming what is wrong: the boundary (required, at most 70 characters as RFC 2046 says), each part's headers
/// (<see cref="MaxPartHeaderBytes"/>, <see cref="MaxPartHeaders"/>, a <c>Content-Disposition: form-data</c> with a name),
/// the fields (only <c>model</c>, <c>top_k</c> and <c>version</c>, once each, short), the files (at most
/// <see cref="ApiOptions.MaxImagesPerRequest"/>, each at most <see cref="ApiOptions.MaxImageBytes"/>, read in memory),
/// and a body that breaks off, lacks its closing boundary or uses another one (400). Reading stops at the first problem,
/// so two thousand stray fields cost no more than one.
/// </summary>
public static class MultipartImageReader
{
    /// <summary>RFC 2046, section 5.1.1: a boundary has 1 to 70 characters.</summary>
    public const int MaxBoundaryLength = 70;

    /// <summary>The headers of one part, in bytes (what ASP.NET Core's form reader allows).</summary>
    public const int MaxPartHeaderBytes = 16 * 1024;

    /// <summary>Headers per part: a form part needs two (Content-Disposition, Content-Type).</summary>
    public const int MaxPartHeaders = 16;

    /// <summary>The longest value of a text field: a model name, a number.</summary>
    public const int MaxFieldBytes = 1024;

    private const string Body = "body";
    private const string ContentTypeField = "Content-Type";
    private static readonly string[] TextFields = ["model", "top_k", "version"];

    public static async Task<Result<(string? Model, long? Version, int? TopK, IReadOnlyList<ImageInput> Images)>> ReadAsync(
        HttpRequest request, ApiOptions limits, CancellationToken cancellationToken)
    {
        var boundary = Boundary(request.ContentType);
        if (!boundary.IsSuccess)
        {
            return boundary.Error;
        }

        var reader = new MultipartReader(boundary.Value, request.Body)
        {
            HeadersLengthLimit = MaxPartHeaderBytes,
            HeadersCountLimit = MaxPartHeaders,
        };
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var images = new List<ImageInput>();
        try
        {
            for (var part = 0; await reader.ReadNextSectionAsync(cancellationToken) is { } section; part++)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
                {
                    return InferenceError.Invalid(Body,
                        $"Part {part} of the multipart body has no `Content-Disposition: form-data; name=\"…\"` header; every part needs one. Given: {Shown(section.ContentDisposition)}",
                        received: Shown(section.ContentDisposition));
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                var error = fileName is { Length: > 0 } || name == "images"
                    ? await ReadImageAsync(section.Body, name, fileName, limits, images, cancellationToken)
                    : await ReadFieldAsync(section.Body, name, values, cancellationToken);
                if (error is not null)
                {
                    return error;
                }
            }
        }
        catch (InvalidDataException exception)
        {
            // A part's headers over their limits, a header line without a colon, no first boundary in the first 16 KB.
            return Malformed(boundary.Value, exception.Message.TrimEnd('.'));
        }
        catch (IOException exception) when (exception is not BadHttpRequestException)
        {
            // The reader's only other failure: the body ended. Kestrel's own (client gone, body over its limit) are
            // BadHttpRequestExceptions and keep their status.
            return Malformed(boundary.Value, "the body ends before its closing boundary");
        }

        return Parse(values, images);
    }

    private static Result<string> Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return new InferenceError(ErrorKind.UnsupportedMediaType, $"Send images as multipart/form-data or as JSON (application/json); got '{contentType}'.")
            {
                Field = ContentTypeField,
                Received = contentType,
            };
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return InferenceError.Invalid(ContentTypeField,
                "multipart/form-data needs a boundary parameter (Content-Type: multipart/form-data; boundary=…); HTTP clients add it when they build the body.");
        }

        return boundary.Length > MaxBoundaryLength
            ? InferenceError.Invalid(ContentTypeField,
                $"The multipart boundary has {boundary.Length} characters; RFC 2046 allows at most {MaxBoundaryLength}.", MaxBoundaryLength, boundary.Length)
            : boundary;
    }

    private static async Task<InferenceError?> ReadImageAsync(
        Stream body, string name, string? fileName, ApiOptions limits, List<ImageInput> images, CancellationToken cancellationToken)
    {
        if (images.Count == limits.MaxImagesPerRequest)
        {
            return InferenceError.Invalid("images",
                $"More than {limits.MaxImagesPerRequest} images were sent; at most {limits.MaxImagesPerRequest} are allowed per request.",
                limits.MaxImagesPerRequest, images.Count + 1);
        }

        var field = $"{name}[{images.Count}] ({fileName})";
        var bytes = await ReadAtMostAsync(body, limits.MaxImageBytes, cancellationToken);
        if (bytes is null)
        {
            return new InferenceError(ErrorKind.PayloadTooLarge, $"`{field}` has more than {limits.MaxImageBytes} bytes; at most {limits.MaxImageBytes} are allowed per image.")
            {
                Field = field,
                Limit = limits.MaxImageBytes,
            };
        }

        images.Add(new ImageInput(bytes.Value, field));
        return null;
    }

    private static async Task<InferenceError?> ReadFieldAsync(Stream body, string name, Dictionary<string, string> values, CancellationToken cancellationToken)
    {
        if (!TextFields.Contains(name, StringComparer.Ordinal))
        {
            return InferenceError.Invalid(Shown(name),
                $"`{Shown(name)}` is not a field of this request: send `model`, `top_k`, `version` and image files.");
        }

        if (values.ContainsKey(name))
        {
            return InferenceError.Invalid(name, $"`{name}` is given twice; send it once.");
        }

        var bytes = await ReadAtMostAsync(body, MaxFieldBytes, cancellationToken);
        if (bytes is null)
        {
            return InferenceError.Invalid(name, $"`{name}` has more than {MaxFieldBytes} bytes.", MaxFieldBytes);
        }

        values[name] = Encoding.UTF8.GetString(bytes.Value.Span);
        return null;
    }

    /// <summary>The whole part, or null when it has more than <paramref name="limit"/> bytes (reading stops there).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadAtMostAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static Result<(string? Model, long? Version, int? TopK, IReadOnlyList<ImageInput> Images)> Parse(
        Dictionary<string, string> values, IReadOnlyList<ImageInput> images)
    {
        int? topK = null;
        long? version = null;
        if (values.TryGetValue("top_k", out var topKText))
        {
            if (!int.TryParse(topKText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k))
            {
                return InferenceError.Invalid("top_k", $"`top_k` must be an integer. Given: '{Shown(topKText)}'", received: Shown(topKText));
            }

            topK = k;
        }

        if (values.TryGetValue("version", out var versionText))
        {
            if (!long.TryParse(versionText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            {
                return InferenceError.Invalid("version", $"`version` must be an integer. Given: '{Shown(versionText)}'", received: Shown(versionText));
            }

            version = v;
        }

        return (values.TryGetValue("model", out var model) && model.Length > 0 ? model : null, version, topK, images);
    }

    private static InferenceError Malformed(string boundary, string reason) =>
        InferenceError.Invalid(Body,
            $"The multipart body does not parse: {reason}. It must start with --{Shown(boundary)} (the boundary the Content-Type names), " +
            $"separate parts with it and end with --{Shown(boundary)}--; a part's headers may have at most {MaxPartHeaderBytes} bytes in {MaxPartHeaders} lines.");

    /// <summary>At most 64 characters of a client's text, for a message.</summary>
    private static string Shown(string? text) => text is null ? "nothing" : text.Length <= 64 ? text : text[..64] + "…";
}
