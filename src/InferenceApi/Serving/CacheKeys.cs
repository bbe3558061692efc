using System.Security.Cryptography;
using InferenceApi.Core.Models;

namespace InferenceApi.Serving;

/// <summary>
/// The one format of result-cache keys, for every deterministic answer (encoder outputs, image logits, generations):
/// task, model, version, the folder fingerprint (so a reloaded copy of a version never reads the results of the copy
/// it replaced), and a hash of the normalised input bytes.
/// </summary>
public static class CacheKeys
{
    public static string For(ModelVersion model, ModelTask task, ReadOnlySpan<byte> input) =>
        $"{task.ToName()}:{model.Name}:{model.Version}:{model.Source.Fingerprint}:{Convert.ToBase64String(SHA256.HashData(input))}";
}
