using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;
using InferenceApi.Core.Tokenization;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Core.Generation;

/// <summary>
/// Loads decoder models (optimum's decoder with past, or without): the tokenizer the folder has (vocab.json + merges.txt,
/// tokenizer.json or tokenizer.model, see <see cref="GenerationTokenizerLoader"/>), its chat template, one session,
/// continuous batching.
/// </summary>
public sealed class TextGenerationLoader(IInferenceBackend backend, InferenceMetrics metrics, TimeProvider time, ILoggerFactory loggers) : IModelLoader
{
    public bool Handles(ModelTask task) => TextGenerationRuntime.Tasks.Contains(task);

    public Task<IModelRuntime> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        var shape = DecoderSignature.Read(context.Signature);
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

        var settings = context.Settings;
        var limits = new ContinuousBatchLimits(settings.RequestsPerBatch, Math.Max(settings.MaxBatchTokens, contextLength), settings.QueueCapacity, settings.MaxQueueTime);
        var session = backend.OpenDecoder(context.ModelFile, settings.ToSessionSettings());
        try
        {
            WarmUp(session, tokenizer);
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
            return Task.FromResult<IModelRuntime>(new TextGenerationRuntime(context.Source.Name, description, tokenizer, chatTemplate, session, scheduler, metrics, time));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>A prefill and a two-row decode step, so the first request does not pay for lazy initialisation.</summary>
    private static void WarmUp(IDecoderSession session, IGenerationTokenizer tokenizer)
    {
        var shape = session.Shape;
        var prompt = tokenizer.EncodePrompt("warm up", 8, truncate: true, addSpecialTokens: true).Ids;
        var first = new SequenceCache(shape, 16);
        var second = new SequenceCache(shape, 16);
        DecoderRow[] prefill = [new(first, prompt, 0), new(second, prompt[..1], 0)];
        using (var step = DecoderBatchAssembler.Assemble(shape, prefill, tokenizer.PadTokenId))
        {
            session.Run(step);
            DecoderBatchAssembler.Absorb(step, prefill);
        }

        DecoderRow[] decode = [new(first, prompt[..1], first.Length), new(second, prompt[..1], second.Length)];
        using var next = DecoderBatchAssembler.Assemble(shape, decode, tokenizer.PadTokenId);
        session.Run(next);
    }
}
