using System.Net.Http.Json;
using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen.Scenarios;

/// <summary>
/// POST {model, inputs} to a text endpoint (/v1/classify or /v1/embed), cycling through the texts file with
/// <c>batch</c> inputs per request.
/// </summary>
public sealed class TextScenario : IRequestSender
{
    private readonly HttpClient _client;
    private readonly string _path;
    private readonly string? _model;
    private readonly IReadOnlyList<string> _texts;
    private readonly int _batch;

    public TextScenario(HttpClient client, string path, string? model, IReadOnlyList<string> texts, int batch = 1)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("The texts file has no non-empty lines.", nameof(texts));
        }

        (_client, _path, _model, _texts, _batch) = (client, path, model, texts, Math.Max(1, batch));
    }

    public Task<ServerResponse> SendAsync(long sequence, CancellationToken cancellationToken)
    {
        var inputs = new string[_batch];
        for (var i = 0; i < _batch; i++)
        {
            inputs[i] = _texts[(int)(((sequence * _batch) + i) % _texts.Count)];
        }

        var request = new HttpRequestMessage(HttpMethod.Post, _path)
        {
            Content = JsonContent.Create(new Dictionary<string, object?> { ["model"] = _model, ["inputs"] = inputs }),
        };
        return SendAndDisposeAsync(request, cancellationToken);
    }

    private async Task<ServerResponse> SendAndDisposeAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            return await HttpOutcome.SendAsync(_client, request, ct).ConfigureAwait(false);
        }
    }
}
