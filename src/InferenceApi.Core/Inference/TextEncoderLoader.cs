using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;
using InferenceApi.Core.Tokenization;
using Microsoft.Extensions.Logging;

namespace InferenceApi.Core.Inference;

/// <summary>Loads BERT-family models for classification and embeddings.</summary>
public sealed class TextEncoderLoader(IInferenceBackend backend, InferenceMetrics metrics, TimeProvider time, ILoggerFactory loggers) : IModelLoader
{
    private const int WarmUpBatch = 4;

    public bool Handles(ModelTask task) => TextEncoderRuntime.Tasks.Contains(task);

    public Task<IModelRuntime> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        var labels = context.Config.Labels;
        var outputName = EncoderSignatureValidator.Validate(context.Signature, context.Task, labels.Count);
        if (context.Task == ModelTask.TextClassification && labels.Count == 0)
        {
            // Hugging Face's own default when a config has no id2label.
            labels = Enumerable.Range(0, (int)context.Signature.Output(OptimumLayout.Logits)!.Shape[1]).Select(i => $"LABEL_{i}").ToArray();
        }

        BertWordPieceTokenizer tokenizer;
        try
        {
            tokenizer = BertTokenizerLoader.Load(context.Source.Directory);
        }
        catch (TokenizerLoadException exception)
        {
            throw new ModelFolderException(exception.Message, exception);
        }

        var maxLength = MaxSequenceLength(context, tokenizer);
        var limits = context.Settings.ToBatchLimits();
        if (limits.Check(maxLength) is { } problem)
        {
            throw new ModelFolderException($"batching settings: {problem}");
        }

        var sessions = new List<IEncoderSession>();
        try
        {
            for (var i = 0; i < limits.Instances; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sessions.Add(backend.OpenEncoder(context.ModelFile, outputName, context.Settings.ToSessionSettings()));
            }

            var withTokenTypes = context.Signature.Input(OptimumLayout.TokenTypeIds) is not null;
            var runner = new EncoderBatchRunner(sessions, context.Task, tokenizer.PadTokenId, withTokenTypes);
            WarmUp(runner, tokenizer, sessions.Count, labels.Count, context.Task);
            var description = new ModelDescription(
                context.Task, labels, maxLength, limits, context.Settings.RequestTimeout, sessions[0].Placement, context.Signature, context.Settings.Normalize, HiddenSize(context));
            var label = new SchedulerLabel(context.Source.Name, context.Source.Version);
            var scheduler = new BatchScheduler<int[], float[]>(label, limits, runner, time, metrics, loggers.CreateLogger("InferenceApi.Scheduler"));
            return Task.FromResult<IModelRuntime>(new TextEncoderRuntime(description, tokenizer, sessions, scheduler, time));
        }
        catch
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }

            throw;
        }
    }

    private static int? HiddenSize(ModelLoadContext context) =>
        context.Task == ModelTask.FeatureExtraction && context.Signature.Output(OptimumLayout.LastHiddenState) is { Rank: 3 } state && state.Shape[2] > 0
            ? (int)state.Shape[2]
            : null;

    /// <summary>The smallest of every limit the folder states: tokenizer, position embeddings, a fixed graph dimension, inference.json.</summary>
    private static int MaxSequenceLength(ModelLoadContext context, BertWordPieceTokenizer tokenizer)
    {
        var limits = new List<int>();
        if (tokenizer.Options.ModelMaxLength is { } fromTokenizer and > 0 and < 1_000_000)
        {
            limits.Add(fromTokenizer);
        }

        if (context.Config.MaxPositionEmbeddings is { } positions and > 0)
        {
            limits.Add(positions);
        }

        if (context.Signature.Input(OptimumLayout.InputIds) is { Rank: 2 } ids && ids.Shape[1] > 0)
        {
            limits.Add((int)ids.Shape[1]);
        }

        if (context.Settings.MaxSequenceLength is { } configured and > 0)
        {
            limits.Add(configured);
        }

        return limits.Count > 0
            ? limits.Min()
            : throw new ModelFolderException("no maximum sequence length: set model_max_length in tokenizer_config.json, max_position_embeddings in config.json, or maxSequenceLength in inference.json");
    }

    /// <summary>
    /// Runs every instance once, alone and batched, so first requests do not pay for lazy initialisation,
    /// and checks the real output width against the labels (a dynamic width cannot be checked earlier).
    /// </summary>
    private static void WarmUp(EncoderBatchRunner runner, ITextTokenizer tokenizer, int instances, int labelCount, ModelTask task)
    {
        var sample = tokenizer.Encode("warm up the model", 16, truncate: true).Ids;
        var shorter = tokenizer.Encode("warm", 16, truncate: true).Ids;
        for (var instance = 0; instance < instances; instance++)
        {
            runner.Run([sample], instance);
            var outputs = runner.Run(Enumerable.Range(0, WarmUpBatch).Select(i => i % 2 == 0 ? sample : shorter).ToArray(), instance);
            if (task == ModelTask.TextClassification && outputs[0].Length != labelCount)
            {
                throw new ModelFolderException($"the model returned {outputs[0].Length} logits but config.json has {labelCount} labels");
            }
        }
    }
}
