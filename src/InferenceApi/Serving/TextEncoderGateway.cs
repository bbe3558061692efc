using System.Runtime.InteropServices;
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
    public async Task<Served<EncoderRun>> RunAsync(EncoderRequest request, CancellationToken cancellationToken)
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
        if (request.Precheck?.Invoke(runtime.Description) is { } rejected)
        {
            return new Served<EncoderRun>(rejected, lease.Model);
        }

        var encoded = runtime.Encode(texts.Value, request.Truncate, request.InputsField);
        if (!encoded.IsSuccess)
        {
            return new Served<EncoderRun>(encoded.Error, lease.Model);
        }

        return await RunAsync(lease.Model, runtime, encoded.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The shared tail for inputs already tokenized and validated against a leased model (the KServe v2
    /// adapter enters here with client-sent token ids): cache lookups, the scheduler, cache writes.
    /// The caller holds the lease on <paramref name="model"/> until the answer is written.
    /// </summary>
    public async Task<Served<EncoderRun>> RunAsync(ModelVersion model, TextEncoderRuntime runtime, EncodedInputs encoded, CancellationToken cancellationToken)
    {
        var description = runtime.Description;
        var items = encoded.Items;
        var keys = new string[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            keys[i] = CacheKeys.For(model, description.Task, MemoryMarshal.AsBytes(items[i].Ids.AsSpan()));
        }

        var batch = await runner.RunAsync(
            keys,
            (misses, ct) => runtime.RunAsync(misses.Select(i => items[i].Ids).ToArray(), ct),
            cancellationToken).ConfigureAwait(false);
        if (!batch.IsSuccess)
        {
            return new Served<EncoderRun>(batch.Error, model);
        }

        var run = new EncoderRun(model, description, batch.Value.Outputs, items.Select(i => i.WasTruncated).ToArray(), encoded.TotalTokens);
        return new Served<EncoderRun>(run, model, batch.Value.Report);
    }
}
