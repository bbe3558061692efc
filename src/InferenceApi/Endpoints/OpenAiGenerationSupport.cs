using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;
using InferenceApi.Serving;

namespace InferenceApi.Endpoints;

/// <summary>What <c>/v1/completions</c> and <c>/v1/chat/completions</c> share: checks of OpenAI's fields, sampling defaults, ids and the SSE framing.</summary>
internal static class OpenAiGenerationSupport
{
    public static InferenceError? CheckN(int? n) =>
        n is { } value && (value < 1 || value > GenerationGateway.MaxSamplesPerPrompt)
            ? InferenceError.Invalid("n", $"`n` must be >= 1 and <= {GenerationGateway.MaxSamplesPerPrompt}. Given: {value}", GenerationGateway.MaxSamplesPerPrompt, value)
            : null;

    /// <summary>OpenAI's defaults: temperature 1 and top_p 1 when absent (the validator's own defaults), no top_k, no repetition penalty.</summary>
    public static SamplingRequest Sampling(double? temperature, double? topP, ulong? seed, int? maxTokens, IReadOnlyList<string> stop, bool logprobs) => new()
    {
        Temperature = temperature,
        TopP = topP,
        Seed = seed,
        MaxNewTokens = maxTokens,
        StopSequences = stop,
        ReturnLogprobs = logprobs,
    };

    public static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    /// <summary>
    /// OpenAI's stream: <c>data: {chunk}</c> events without an event type, then <c>data: [DONE]</c>. A string item is
    /// written as it is (not JSON-quoted), so chunks are serialized here with the API's JSON options. An error after the
    /// stream began is one <c>data:</c> event with OpenAI's error object (as OpenAI's SDKs read it), and no <c>[DONE]</c>.
    /// </summary>
    public static IResult Stream(IAsyncEnumerable<object> chunks, JsonSerializerOptions json) =>
        TypedResults.ServerSentEvents(FrameAsync(chunks, json));

    private static async IAsyncEnumerable<SseItem<string>> FrameAsync(IAsyncEnumerable<object> chunks, JsonSerializerOptions json, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            yield return new SseItem<string>(JsonSerializer.Serialize(chunk, chunk.GetType(), json));
            if (chunk is OpenAiErrorResponse)
            {
                yield break;
            }
        }

        yield return new SseItem<string>("[DONE]");
    }
}
