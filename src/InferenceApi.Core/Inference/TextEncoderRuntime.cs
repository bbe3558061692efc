using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Inference;

/// <summary>
/// A loaded BERT-family model (classification or embeddings): tokenizer, sessions, scheduler.
/// Requests encode here, then queue their sequences; one request's texts may share batches with others'.
/// </summary>
public sealed class TextEncoderRuntime : ITextModelRuntime
{
    private readonly IReadOnlyList<IEncoderSession> _sessions;
    private readonly TimeProvider _time;

    public TextEncoderRuntime(
        ModelDescription description,
        ITextTokenizer tokenizer,
        IReadOnlyList<IEncoderSession> sessions,
        BatchScheduler<int[], float[]> scheduler,
        TimeProvider time)
    {
        Description = description;
        Tokenizer = tokenizer;
        _sessions = sessions;
        Scheduler = scheduler;
        _time = time;
    }

    public static IReadOnlyList<ModelTask> Tasks { get; } = [ModelTask.TextClassification, ModelTask.FeatureExtraction];

    public ModelDescription Description { get; }

    public ITextTokenizer Tokenizer { get; }

    public BatchScheduler<int[], float[]> Scheduler { get; }

    public int QueueDepth => Scheduler.QueueDepth;

    /// <summary>
    /// Tokenizes every text; a text over the model's maximum is an error naming it (422), unless
    /// <paramref name="truncate"/> asks to cut it.
    /// </summary>
    public Result<EncodedInputs> Encode(IReadOnlyList<string> texts, bool truncate, string field = "inputs")
    {
        using var span = InferenceTracing.Start("tokenize");
        span?.SetTag("inference.inputs", texts.Count);
        var max = Description.MaxSequenceLength;
        var items = new TokenizedText[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var encoded = Tokenizer.Encode(texts[i], max, truncate);
            if (encoded.Length > max)
            {
                var path = texts.Count == 1 ? field : $"{field}[{i}]";
                return new InferenceError(
                    ErrorKind.InputTooLong,
                    $"`{path}` has {encoded.OriginalLength} tokens but the model takes at most {max}. Shorten it or send \"truncate\": true.")
                {
                    Field = path,
                    Limit = max,
                    Received = encoded.OriginalLength,
                };
            }

            items[i] = encoded;
        }

        return new EncodedInputs(items);
    }

    /// <summary>Queues the sequences, all or none, and waits for their results in input order.</summary>
    public Task<Result<Timed<float[]>[]>> RunAsync(IReadOnlyList<int[]> sequences, CancellationToken cancellationToken) =>
        Scheduler.RunAsync(sequences, static ids => ids.Length, _time.GetUtcNow() + Description.RequestTimeout, cancellationToken);

    public void CutOff() => Scheduler.CutOff();

    public async ValueTask DisposeAsync()
    {
        await Scheduler.DisposeAsync().ConfigureAwait(false);
        foreach (var session in _sessions)
        {
            session.Dispose();
        }
    }
}
