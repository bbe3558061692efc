using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;
using InferenceApi.Core.Tokenization;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Core.Generation;

/// <summary>Loads GPT-style models (optimum's decoder with past, or without): byte-level BPE tokenizer, one session, continuous batching.</summary>
public sealed class TextGenerationLoader(IInferenceBackend backend, InferenceMetrics metrics, TimeProvider time, ILoggerFactory loggers) : IModelLoader
{
    public bool Handles(ModelTask task) => task == ModelTask.TextGeneration;

    public Task<IModelRuntime> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        var shape = DecoderSignature.Read(context.Signature);
        Gpt2Tokenizer tokenizer;
        try
        {
            tokenizer = Gpt2TokenizerLoader.Load(context.Source.Directory);
        }
        catch (TokenizerLoadException exception)
        {
            throw new ModelFolderException(exception.Message, exception);
        }

        if (tokenizer.VocabularySize > shape.VocabularySize)
        {
            throw new ModelFolderException($"the tokenizer has {tokenizer.VocabularySize} tokens but the model's logits cover only {shape.VocabularySize}");
        }

        var contextLength = new[] { context.Config.MaxPositionEmbeddings, tokenizer.Options.ModelMaxLength, context.Settings.MaxSequenceLength }
            .Where(l => l is > 0 and < 10_000_000).Select(l => l!.Value).DefaultIfEmpty(0).Min();
        if (contextLength <= 0)
        {
            throw new ModelFolderException("no context length: set n_positions in config.json, model_max_length in tokenizer_config.json, or maxSequenceLength in inference.json");
        }

        var settings = context.Settings;
        var limits = new ContinuousBatchLimits(settings.MaxBatchSize, Math.Max(settings.MaxBatchTokens, contextLength), settings.QueueCapacity);
        var session = backend.OpenDecoder(context.ModelFile, settings.ToSessionSettings());
        try
        {
            WarmUp(session, tokenizer);
            var label = new SchedulerLabel(context.Source.Name, context.Source.Version);
            var scheduler = new ContinuousBatchScheduler(label, limits, session, tokenizer.PadTokenId, metrics, loggers.CreateLogger("InferenceApi.Generation"));
            var description = new ModelDescription(
                context.Task,
                [],
                contextLength,
                new BatchLimits(limits.MaxRunning, limits.MaxBatchTokens, TimeSpan.Zero, limits.QueueCapacity, 1),
                settings.RequestTimeout,
                session.Placement,
                context.Signature);
            return Task.FromResult<IModelRuntime>(new TextGenerationRuntime(context.Source.Name, description, tokenizer, session, scheduler, metrics, time));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>A prefill and a two-row decode step, so the first request does not pay for lazy initialisation.</summary>
    private static void WarmUp(IDecoderSession session, Gpt2Tokenizer tokenizer)
    {
        var shape = session.Shape;
        var prompt = tokenizer.Encode("warm up", 8, truncate: true).Ids;
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
