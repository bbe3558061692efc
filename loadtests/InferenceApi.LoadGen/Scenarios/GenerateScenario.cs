using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen.Scenarios;

/// <summary>
/// POST /v1/generate {model, prompt, max_new_tokens, stream: true} and read the server-sent events as they come
/// (SPEC: one event per token, then a final event with usage). Every `data:` event before the final one is a token;
/// the final one is recognised by a `usage` field, `data: [DONE]`, or an `end`/`done` event name. An `error`
/// event, or a JSON body with an `error` field, marks the request failed with kind `stream_error`.
/// </summary>
public sealed class GenerateScenario : IRequestSender
{
    private readonly HttpClient _client;
    private readonly string? _model;
    private readonly IReadOnlyList<string> _prompts;
    private readonly int _maxNewTokens;
    private readonly string _path;

    public GenerateScenario(HttpClient client, string? model, IReadOnlyList<string> prompts, int maxNewTokens, string path = "/v1/generate")
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
        {
            throw new ArgumentException("The prompts file has no non-empty lines.", nameof(prompts));
        }

        (_client, _model, _prompts, _maxNewTokens, _path) = (client, model, prompts, maxNewTokens, path);
    }

    public async Task<ServerResponse> SendAsync(long sequence, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = _model,
            ["prompt"] = _prompts[(int)(sequence % _prompts.Count)],
            ["max_new_tokens"] = _maxNewTokens,
            ["stream"] = true,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, _path) { Content = JsonContent.Create(body) };
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var head = HttpOutcome.From(response);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                await stream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                return head;
            }

            return await ReadStreamAsync(stream, head, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (HttpOutcome.Kind(e, cancellationToken) is { } kind)
        {
            return new ServerResponse(0, kind);
        }
    }

    /// <summary>Reads a token stream, timestamping each token; public so tests can feed it any stream.</summary>
    public static async Task<ServerResponse> ReadStreamAsync(Stream stream, ServerResponse head, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(head);
        long? first = null;
        var last = 0L;
        var tokens = 0;
        var gaps = new List<double>();
        string? error = null;
        var ended = false;
        await foreach (var e in SseReader.ReadAsync(stream, ct).ConfigureAwait(false))
        {
            if (ended)
            {
                continue;
            }

            var kind = Classify(e);
            if (kind == EventKind.Error)
            {
                error = "stream_error";
                ended = true;
            }
            else if (kind == EventKind.Final)
            {
                ended = true;
            }
            else
            {
                var now = Stopwatch.GetTimestamp();
                if (first is null)
                {
                    first = now;
                }
                else
                {
                    gaps.Add(Stopwatch.GetElapsedTime(last, now).TotalMilliseconds);
                }

                last = now;
                tokens++;
            }
        }

        if (!ended && error is null)
        {
            error = "stream_truncated";
        }

        return head with { Error = error, FirstTokenTimestamp = first, Tokens = tokens, InterTokenMs = gaps };
    }

    private static EventKind Classify(SseEvent e)
    {
        if (e.Event is "error")
        {
            return EventKind.Error;
        }

        if (e.Event is "end" or "done" || e.Data.Trim() == "[DONE]")
        {
            return EventKind.Final;
        }

        try
        {
            using var json = JsonDocument.Parse(e.Data);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (json.RootElement.TryGetProperty("error", out var err) && err.ValueKind != JsonValueKind.Null)
                {
                    return EventKind.Error;
                }

                if (json.RootElement.TryGetProperty("usage", out var usage) && usage.ValueKind != JsonValueKind.Null)
                {
                    return EventKind.Final;
                }
            }
        }
        catch (JsonException)
        {
            // Plain-text tokens are tokens too.
        }

        return EventKind.Token;
    }

    private enum EventKind
    {
        Token,
        Final,
        Error,
    }
}
