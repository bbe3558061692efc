using System.Runtime.InteropServices;
using System.Security.Cryptography;
using InferenceApi.Caching;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Validation;

namespace InferenceApi.Inference;

/// <summary>
/// The path every encoder endpoint shares: validate the model and texts, lease the model version,
/// tokenize, answer from the cache what it has, queue the rest, cache what comes back. Each endpoint
/// only checks its own extra fields and shapes the answer.
/// </summary>
public sealed class TextEncoderGateway(ModelRepository repository, IResultCache cache, RequestValidator validator)
{
    public async Task<Result<EncoderRun>> RunAsync(EncoderRequest request, HttpContext http, CancellationToken cancellationToken)
    {
        var selector = validator.Model(request.Model, request.Version);
        if (!selector.IsSuccess)
        {
            return selector.Error;
        }

        var texts = validator.Texts(request.Inputs, request.InputsField);
        if (!texts.IsSuccess)
        {
            return texts.Error;
        }

        var task = request.Task;
        var acquired = repository.Acquire(selector.Value.Name, selector.Value.Version, task);
        if (!acquired.IsSuccess)
        {
            return acquired.Error;
        }

        using var lease = acquired.Value;
        var runtime = (TextEncoderRuntime)lease.Runtime;
        var description = runtime.Description;
        InferenceTelemetry.Tag(http, lease.Model.Name, lease.Model.Version);
        if (request.Precheck?.Invoke(description) is { } rejected)
        {
            return rejected;
        }

        var encoded = runtime.Encode(texts.Value, request.Truncate, request.InputsField);
        if (!encoded.IsSuccess)
        {
            return encoded.Error;
        }

        return await RunAsync(lease, encoded.Value, http, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The shared tail for inputs already tokenized and validated against the leased model (the KServe v2
    /// adapter enters here with client-sent token ids): cache lookups, the scheduler, cache writes, telemetry.
    /// The lease must hold a <see cref="TextEncoderRuntime"/>; the caller keeps it until the answer is written.
    /// </summary>
    public async Task<Result<EncoderRun>> RunAsync(ModelLease lease, EncodedInputs encoded, HttpContext http, CancellationToken cancellationToken)
    {
        var runtime = (TextEncoderRuntime)lease.Runtime;
        var description = runtime.Description;
        var task = description.Task;
        var items = encoded.Items;
        var outputs = new float[items.Count][];
        var keys = new string[items.Count];
        var misses = new List<int>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            keys[i] = CacheKey(lease.Model, task, items[i].Ids);
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
            var sequences = new int[misses.Count][];
            for (var m = 0; m < misses.Count; m++)
            {
                sequences[m] = items[misses[m]].Ids;
            }

            var run = await runtime.RunAsync(sequences, cancellationToken).ConfigureAwait(false);
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

        var result = new EncoderRun(
            lease.Model.Name,
            lease.Model.Version,
            description,
            outputs,
            items.Select(i => i.WasTruncated).ToArray(),
            encoded.TotalTokens,
            items.Count - misses.Count,
            queueTime,
            computeTime,
            largestBatch);
        InferenceTelemetry.Report(http, result);
        return result;
    }

    /// <summary>
    /// Keyed by the token ids, not the text: inputs that tokenize alike (case, spacing, accents on an
    /// uncased model) share an entry. The fingerprint keeps a reloaded copy of a version from reading
    /// results of the copy it replaced.
    /// </summary>
    private static string CacheKey(ModelVersion model, ModelTask task, int[] ids)
    {
        var hash = SHA256.HashData(MemoryMarshal.AsBytes(ids.AsSpan()));
        return $"{task.ToName()}:{model.Name}:{model.Version}:{model.Source.Fingerprint}:{Convert.ToBase64String(hash)}";
    }
}
