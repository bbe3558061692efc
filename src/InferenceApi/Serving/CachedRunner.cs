using System.Runtime.InteropServices;
using InferenceApi.Caching;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Serving;

/// <summary>
/// Answers from the result cache what it can and runs only the rest, for every deterministic endpoint:
/// float outputs are stored as raw little-endian bytes under <see cref="CacheKeys"/>.
/// </summary>
public sealed class CachedRunner(IResultCache cache)
{
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

        return new CachedBatch(outputs, new RunReport(keys.Count, keys.Count - misses.Count, queueTime, computeTime, largestBatch));
    }
}
