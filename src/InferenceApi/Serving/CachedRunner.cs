using System.Runtime.InteropServices;
using System.Security.Cryptography;
using InferenceApi.Caching;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Serving;

/// <summary>
/// Answers from the result cache what it can and runs only the rest, for every deterministic endpoint:
/// float outputs are stored as raw little-endian bytes under keys that name the model version generation.
/// </summary>
public sealed class CachedRunner(IResultCache cache)
{
    /// <summary>
    /// A cache key: task, model, version, the folder fingerprint (so a reloaded copy of a version never reads
    /// the results of the copy it replaced), and a hash of the normalised input bytes.
    /// </summary>
    public static string Key(ModelVersion model, ModelTask task, ReadOnlySpan<byte> input) =>
        $"{task.ToName()}:{model.Name}:{model.Version}:{model.Source.Fingerprint}:{Convert.ToBase64String(SHA256.HashData(input))}";

    /// <param name="runMisses">Runs the inputs at the given indexes (in that order) and returns their outputs in the same order.</param>
    public async Task<Result<CachedBatch>> RunAsync(
        IReadOnlyList<string> keys,
        Func<IReadOnlyList<int>, CancellationToken, Task<Result<Timed<float[]>[]>>> runMisses,
        CancellationToken cancellationToken)
    {
        var outputs = new float[keys.Count][];
        var misses = new List<int>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var lookup = await cache.GetAsync(keys[i], cancellationToken).ConfigureAwait(false);
            if (lookup.IsHit && lookup.Value.Length % sizeof(float) == 0)
            {
                outputs[i] = MemoryMarshal.Cast<byte, float>(lookup.Value.Span).ToArray();
            }
            else
            {
                misses.Add(i);
            }
        }

        TimeSpan queueTime = default, computeTime = default;
        var largestBatch = 0;
        if (misses.Count > 0)
        {
            var run = await runMisses(misses, cancellationToken).ConfigureAwait(false);
            if (!run.IsSuccess)
            {
                return run.Error;
            }

            for (var m = 0; m < misses.Count; m++)
            {
                var timed = run.Value[m];
                outputs[misses[m]] = timed.Value;
                cache.Set(keys[misses[m]], MemoryMarshal.AsBytes(timed.Value.AsSpan()).ToArray());
                queueTime = timed.QueueTime > queueTime ? timed.QueueTime : queueTime;
                computeTime = timed.ComputeTime > computeTime ? timed.ComputeTime : computeTime;
                largestBatch = Math.Max(largestBatch, timed.BatchSize);
            }
        }

        return new CachedBatch(outputs, keys.Count - misses.Count, queueTime, computeTime, largestBatch);
    }
}
