using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Generation;

/// <summary>A loaded GPT-style model: tokenizer, one decoder session, and its continuous-batching scheduler.</summary>
public sealed class TextGenerationRuntime : ITextModelRuntime
{
    private readonly IDecoderSession _session;

    public TextGenerationRuntime(
        string modelName,
        ModelDescription description,
        Gpt2Tokenizer tokenizer,
        IDecoderSession session,
        ContinuousBatchScheduler scheduler,
        InferenceMetrics metrics,
        TimeProvider time)
    {
        ModelName = modelName;
        Description = description;
        Gpt2 = tokenizer;
        _session = session;
        Scheduler = scheduler;
        Metrics = metrics;
        Time = time;
    }

    public string ModelName { get; }

    public ModelDescription Description { get; }

    public ITextTokenizer Tokenizer => Gpt2;

    public Gpt2Tokenizer Gpt2 { get; }

    public ContinuousBatchScheduler Scheduler { get; }

    public DecoderShape Shape => _session.Shape;

    public InferenceMetrics Metrics { get; }

    public TimeProvider Time { get; }

    public int QueueDepth => Scheduler.Waiting;

    /// <summary>
    /// Tokenizes and validates a prompt with its sampling settings, then queues it to join the running batch.
    /// Errors name the field, the limit and the value (prompt too long: 422; settings out of range: 400; queue full: 429).
    /// </summary>
    public Result<GenerationSequence> Start(string prompt, SamplingRequest request, CancellationToken cancellationToken)
    {
        var context = Description.MaxSequenceLength;
        var ids = Gpt2.EncodePrompt(prompt, context, truncate: false);
        if (ids.Length >= context)
        {
            return new InferenceError(
                ErrorKind.InputTooLong,
                $"`prompt` has {ids.OriginalLength} tokens but model '{ModelName}' has a context of {context}, which must also hold the generated tokens.")
            {
                Field = "prompt",
                Limit = context - 1,
                Received = ids.OriginalLength,
            };
        }

        if (ids.Length == 0)
        {
            return InferenceError.Invalid("prompt", "`prompt` produced no tokens.");
        }

        var parameters = SamplingValidator.Validate(request, context, ids.Length, new SamplingLimits(Shape.VocabularySize));
        if (!parameters.IsSuccess)
        {
            return parameters.Error;
        }

        var sequence = new GenerationSequence(this, ids.Ids, parameters.Value, cancellationToken);
        return Scheduler.TryEnqueue(sequence) is { } rejected ? rejected : sequence;
    }

    public async ValueTask DisposeAsync()
    {
        await Scheduler.DisposeAsync().ConfigureAwait(false);
        _session.Dispose();
    }
}
