using System.Runtime.InteropServices;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Validation;

namespace InferenceApi.Serving;

/// <summary>
/// The path every encoder endpoint shares: validate the model and texts, lease the model version,
/// tokenize, answer from the cache what it has, queue the rest, cache what comes back. Each endpoint
/// only checks its own extra fields and shapes the answer.
/// </summary>
public sealed class TextEncoderGateway(ModelRepository repository, CachedRunner runner, RequestValidator validator)
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

        var acquired = repository.Acquire<TextEncoderRuntime>(selector.Value.Name, selector.Value.Version, request.Task);
        if (!acquired.IsSuccess)
        {
            return acquired.Error;
        }

        using var lease = acquired.Value;
        var runtime = lease.Runtime;
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

        return await RunAsync(lease.Model, runtime, encoded.Value, http, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The shared tail for inputs already tokenized and validated against a leased model (the KServe v2
    /// adapter enters here with client-sent token ids): cache lookups, the scheduler, cache writes, telemetry.
    /// The caller holds the lease on <paramref name="model"/> until the answer is written.
    /// </summary>
    public async Task<Result<EncoderRun>> RunAsync(ModelVersion model, TextEncoderRuntime runtime, EncodedInputs encoded, HttpContext http, CancellationToken cancellationToken)
    {
        var description = runtime.Description;
        var task = description.Task;
        var items = encoded.Items;
        var keys = new string[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            keys[i] = CachedRunner.Key(model, task, MemoryMarshal.AsBytes(items[i].Ids.AsSpan()));
        }

        var batch = await runner.RunAsync(
            keys,
            (misses, ct) => runtime.RunAsync(misses.Select(i => items[i].Ids).ToArray(), ct),
            cancellationToken).ConfigureAwait(false);
        if (!batch.IsSuccess)
        {
            return batch.Error;
        }

        var result = new EncoderRun(
            model.Name,
            model.Version,
            description,
            batch.Value.Outputs,
            items.Select(i => i.WasTruncated).ToArray(),
            encoded.TotalTokens,
            batch.Value.CacheHits,
            batch.Value.QueueTime,
            batch.Value.ComputeTime,
            batch.Value.LargestBatch);
        InferenceTelemetry.Report(http, batch.Value);
        return result;
    }
}
