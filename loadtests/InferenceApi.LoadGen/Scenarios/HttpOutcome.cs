using System.Globalization;
using System.Net.Sockets;
using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen.Scenarios;

/// <summary>Shared by every scenario: status, the server's timing headers, and transport failures as error kinds.</summary>
internal static class HttpOutcome
{
    /// <summary>
    /// A 429 without <c>Retry-After</c> is its own error kind, <c>http_429_no_retry_after</c>: a refusal that does not say
    /// when to come back makes clients retry at once, so the drills count it apart from a well-formed 429.
    /// </summary>
    public static ServerResponse From(HttpResponseMessage response) => new((int)response.StatusCode, NoRetryAfter(response) ? "http_429_no_retry_after" : null)
    {
        QueueMs = Header(response, "x-queue-time"),
        InferenceMs = Header(response, "x-inference-time"),
        Cache = response.Headers.TryGetValues("x-cache", out var cache) ? cache.FirstOrDefault()?.Trim().ToLowerInvariant() : null,
    };

    /// <summary>Sends and drains the body (so the timing includes the whole answer), for the non-streaming scenarios.</summary>
    public static async Task<ServerResponse> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await body.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            return From(response);
        }
        catch (Exception e) when (Kind(e, ct) is { } kind)
        {
            return new ServerResponse(0, kind);
        }
    }

    /// <summary>The error kind of a transport failure, or null for exceptions that are bugs and should surface.</summary>
    public static string? Kind(Exception e, CancellationToken ct) => e switch
    {
        OperationCanceledException when ct.IsCancellationRequested => "cancelled",
        OperationCanceledException => "timeout",
        HttpRequestException { InnerException: SocketException s } => "connection:" + s.SocketErrorCode,
        HttpRequestException h when h.HttpRequestError != HttpRequestError.Unknown => "http:" + h.HttpRequestError,
        HttpRequestException => "http:error",
        IOException => "io",
        _ => null,
    };

    private static bool NoRetryAfter(HttpResponseMessage response) => response.StatusCode == System.Net.HttpStatusCode.TooManyRequests && response.Headers.RetryAfter is null;

    private static double? Header(HttpResponseMessage response, string name)
    {
        if (!response.Headers.TryGetValues(name, out var values))
        {
            return null;
        }

        var text = values.FirstOrDefault()?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var end = 0;
        while (end < text.Length && (char.IsDigit(text[end]) || text[end] is '.' or '-' or 'e' or 'E' or '+'))
        {
            end++;
        }

        return double.TryParse(text[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) ? ms : null;
    }
}
