using System.Text.Json;
using System.Text.Json.Serialization;
using InferenceApi.Caching;
using InferenceApi.Contracts;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;

namespace InferenceApi.Serving;

/// <summary>
/// Caches deterministic generations (greedy, or sampled with a seed) by the serving version and the normalised
/// request (prompts or chat messages, sampling settings, samples per prompt), in the same two-level cache as the encoders and under
/// the same key format (<see cref="CacheKeys"/>). Streams are not cached: they exist to show tokens as they are made.
/// </summary>
public sealed class GenerationCache(IResultCache cache)
{
    // Keys are built before the sampling settings are validated (which needs the prompt's tokens), so a number JSON
    // cannot carry (1e309 reads as infinity) must still serialize; such a request fails validation and stores nothing.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The key for this request on <paramref name="model"/>, or null when its answer is not deterministic.</summary>
    /// <param name="defaults">The model's generation_config.json: without a temperature of its own the request takes the model's, which may sample.</param>
    public static string? Key(ModelVersion model, GenerationDefaults defaults, GenerationStart request)
    {
        // Only greedy or seeded sampling replays exactly.
        var sampling = request.Sampling;
        var temperature = sampling.Temperature ?? defaults.Temperature ?? sampling.DefaultTemperature;
        if (temperature != 0f && sampling.Seed is null)
        {
            return null;
        }

        var input = JsonSerializer.SerializeToUtf8Bytes(new KeyInput(request.Prompts, request.Messages, sampling, request.SamplesPerPrompt), Json);
        return CacheKeys.For(model, ModelTask.TextGeneration, input);
    }

    public async Task<(IReadOnlyList<GenerationOutcome> Outcomes, GenerationUsage Usage)?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var lookup = await cache.GetAsync(key, cancellationToken);
        return lookup.IsHit && JsonSerializer.Deserialize<Entry>(lookup.Value.Span, Json) is { } entry ? (entry.Outcomes, entry.Usage) : null;
    }

    public void Set(string key, GenerationAnswer answer) =>
        cache.Set(key, JsonSerializer.SerializeToUtf8Bytes(new Entry(answer.Outcomes, answer.Usage), Json));

    private sealed record KeyInput(IReadOnlyList<string> Prompts, IReadOnlyList<ChatTurn>? Messages, SamplingRequest Sampling, int SamplesPerPrompt);

    private sealed record Entry(IReadOnlyList<GenerationOutcome> Outcomes, GenerationUsage Usage);
}
