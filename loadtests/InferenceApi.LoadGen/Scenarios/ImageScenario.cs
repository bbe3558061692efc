using System.Net.Http.Headers;
using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen.Scenarios;

/// <summary>POST /v1/images/classify as multipart (field `model`, file field `images`), cycling through a folder's images.</summary>
public sealed class ImageScenario : IRequestSender
{
    private readonly HttpClient _client;
    private readonly string? _model;
    private readonly IReadOnlyList<(string Name, byte[] Bytes, string MediaType)> _images;

    public ImageScenario(HttpClient client, string? model, string folder)
    {
        _client = client;
        _model = model;
        _images = Directory.EnumerateFiles(folder)
            .Select(f => (Path.GetFileName(f), MediaType(f)))
            .Where(f => f.Item2 is not null)
            .OrderBy(f => f.Item1, StringComparer.Ordinal)
            .Select(f => (f.Item1, File.ReadAllBytes(Path.Combine(folder, f.Item1)), f.Item2!))
            .ToList();
        if (_images.Count == 0)
        {
            throw new ArgumentException($"No .png, .jpg, .jpeg or .webp files in '{folder}' (--images).", nameof(folder));
        }
    }

    public async Task<ServerResponse> SendAsync(long sequence, CancellationToken cancellationToken)
    {
        var (name, bytes, mediaType) = _images[(int)(sequence % _images.Count)];
        using var form = new MultipartFormDataContent();
        if (_model is not null)
        {
            form.Add(new StringContent(_model), "model");
        }

        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        form.Add(file, "images", name);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/images/classify") { Content = form };
        return await HttpOutcome.SendAsync(_client, request, cancellationToken).ConfigureAwait(false);
    }

    private static string? MediaType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        _ => null,
    };
}
