using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;
using InferenceApi.Core.Tokenization;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Core.Generation;

/// <summary>
/// Loads decoder models (optimum's decoder with past, or without; GPT-2, Llama, Qwen, Mistral… layouts as
/// <see cref="DecoderSignature"/> reads them from the graph and config.json): the tokenizer the folder has (vocab.json +
/// merges.txt, tokenizer.json or tokenizer.model, see <see cref="GenerationTokenizerLoader"/>), its chat template,
/// generation_config.json's defaults and stop ids, one session, continuous batching.
/// </summary>
public sealed class TextGenerationLoader(IInferenceBackend backend, InferenceMetrics metrics, TimeProvider time, ILoggerFactory loggers) : IModelLoader
{
    public bool Handles(ModelTask task) => TextGenerationRuntime.Tasks.Contains(task);

    public Task<IModelRuntime> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        var shape = DecoderSignature.Read(context.Signature, context.Config);
        IGenerationTokenizer tokenizer;
        ChatTemplate? chatTemplate;
        try
        {
            var config = GenerationTokenizerConfig.Read(context.Source.Directory);
            tokenizer = GenerationTokenizerLoader.Load(context.Source.Directory, config);
            chatTemplate = ChatTemplate.Load(context.Source.Directory, config, tokenizer, time);
        }
        catch (TokenizerLoadException exception)
        {
            throw new ModelFolderException(exception.Message, exception);
        }
        catch (IOException exception)
        {
            throw new ModelFolderException($"{ChatTemplate.FileName}: cannot be read: {exception.Message}", exception);
        }

        if (chatTemplate?.Unusable is { } unusable)
        {
            loggers.CreateLogger("InferenceApi.Generation").LogWarning("Model {Model} version {Version}: {Reason}; chat requests will be refused", context.Source.Name, context.Source.Version, unusable);
        }

        if (tokenizer.VocabularySize > shape.VocabularySize)
        {
            throw new ModelFolderException($"the tokenizer has {tokenizer.VocabularySize} tokens but the model's logits cover only {shape.VocabularySize}");
        }

        var contextLength = new[] { context.Config.MaxPositionEmbeddings, tokenizer.ModelMaxLength, context.Settings.MaxSequenceLength }
            .Where(l => l is > 0 and < 10_000_000).Select(l => l!.Value).DefaultIfEmpty(0).Min();
        if (contextLength <= 0)
        {
            throw new ModelFolderException("no context length: set n_positions in config.json, model_max_length in tokenizer_config.json, or maxSequenceLength in inference.json");
        }

        var defaults = GenerationDefaults.Load(context.Source.Directory);
        defaults = defaults with { TopK = defaults.TopK is { } k ? Math.Min(k, shape.VocabularySize) : null };
        CheckStopIds([.. defaults.EosTokenIds, .. context.Config.EosTokenIds], shape.VocabularySize);
        var settings = context.Settings;
        var limits = new ContinuousBatchLimits(Math.Min(settings.RequestsPerBatch, shape.MaxBatch ?? int.MaxValue), Math.Max(settings.MaxBatchTokens, contextLength), settings.QueueCapacity, settings.MaxQueueTime);
        var session = backend.OpenDecoder(context.ModelFile, shape, settings.ToSessionSettings());
        try
        {
            WarmUp(session, tokenizer);
            loggers.CreateLogger("InferenceApi.Generation").LogInformation(
                "Decoder {Model} v{Version}: {Layout}", context.Source.Name, context.Source.Version, shape);
            var label = new SchedulerLabel(context.Source.Name, context.Source.Version);
            var scheduler = new ContinuousBatchScheduler(label, limits, session, tokenizer.PadTokenId, time, metrics, loggers.CreateLogger("InferenceApi.Generation"));
            var description = new ModelDescription(
                context.Task,
                [],
                contextLength,
                new BatchLimits(limits.MaxRunning, limits.MaxBatchTokens, TimeSpan.Zero, limits.QueueCapacity, 1),
                settings.RequestTimeout,
                session.Placement,
                context.Signature);
            return Task.FromResult<IModelRuntime>(new TextGenerationRuntime(
                context.Source.Name, description, tokenizer, chatTemplate, session, scheduler, metrics, time, defaults, context.Config.EosTokenIds));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// generation_config.json's and config.json's end-of-sequence ids end generations too (the tokenizer's and the chat
    /// template's are checked with the tokenizer); one beyond the logits could never be produced and shows a mismatched folder.
    /// </summary>
    private static void CheckStopIds(IReadOnlyList<int> ids, int vocabularySize)
    {
        var outside = ids.Where(id => id >= vocabularySize).Distinct().ToList();
        if (outside.Count > 0)
        {
            throw new ModelFolderException($"eos_token_id {string.Join(", ", outside)} (from {GenerationDefaults.FileName} or config.json) is outside the model's {vocabularySize} logits");
        }
    }

    /// <summary>A prefill and a decode step (two rows each unless the graph fixes the batch at 1), so the first request does not pay for lazy initialisation.</summary>
    private static void WarmUp(IDecoderSession session, IGenerationTokenizer tokenizer)
    {
        var shape = session.Shape;
        var prompt = tokenizer.EncodePrompt("warm up", 8, truncate: true, addSpecialTokens: true).Ids;
        SequenceCache[] caches = shape.MaxBatch == 1 ? [new()] : [new(), new()];
        var prefill = caches.Select((cache, i) => new DecoderRow(cache, i == 0 ? prompt : prompt[..1], 0)).ToArray();
        using (var step = DecoderBatchAssembler.Assemble(shape, prefill, tokenizer.PadTokenId))
        {
            session.Run(step);
            DecoderBatchAssembler.Absorb(step, prefill);
        }

        var decode = caches.Select(cache => new DecoderRow(cache, prompt[..1], cache.Length)).ToArray();
        using var next = DecoderBatchAssembler.Assemble(shape, decode, tokenizer.PadTokenId);
        session.Run(next);
    }
}
