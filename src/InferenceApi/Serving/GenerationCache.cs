using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InferenceApi.Caching;
using InferenceApi.Contracts;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace InferenceApi.Serving;

/// <summary>
/// Caches deterministic generations (greedy, or sampled with a seed) by the serving version and the whole
/// request, in the same two-level cache as classification. Streams are not cached: they exist to show tokens
/// as they are made.
/// </summary>
public sealed class GenerationCache(IResultCache cache, ModelRepository repository, IOptions<JsonOptions> json)
{
    /// <summary>The key for this request on the version that would serve it, or null when the answer is not deterministic or the model is not ready.</summary>
    public string? Key(GenerateRequest request)
    {
        var deterministic = (request.Temperature ?? 0) == 0 || request.Seed is not null;
        var name = ModelName.Parse(request.Model);
        if (!deterministic || request.Stream == true || !name.IsSuccess)
        {
            return null;
        }

        var lease = repository.Acquire<TextGenerationRuntime>(name.Value, request.Version);
        if (!lease.IsSuccess)
        {
            return null;
        }

        using var held = lease.Value;
        var model = held.Model;
        var hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request with { Version = null }, json.Value.SerializerOptions));
        return $"text-generation:{model.Name}:{model.Version}:{model.Source.Fingerprint}:{Convert.ToBase64String(hash)}";
    }

    public async Task<GenerateResponse?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var lookup = await cache.GetAsync(key, cancellationToken);
        return lookup.IsHit ? JsonSerializer.Deserialize<GenerateResponse>(lookup.Value.Span, json.Value.SerializerOptions) : null;
    }

    public void Set(string key, GenerateResponse response) =>
        cache.Set(key, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(response, json.Value.SerializerOptions)));
}
