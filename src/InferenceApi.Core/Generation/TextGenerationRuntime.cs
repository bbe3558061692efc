using InferenceApi.Core.Backends;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Generation;

/// <summary>
/// A loaded decoder model: tokenizer, chat template (if the folder has one), generation defaults
/// (<c>generation_config.json</c>), one decoder session, and its continuous-batching scheduler. Generation stops at any
/// of <see cref="StopTokenIds"/>: the eos token, the chat template's end-of-turn token, and every other end-of-sequence
/// id the folder names.
/// </summary>
public sealed class TextGenerationRuntime : ITextModelRuntime
{
    private readonly IDecoderSession _session;
    private readonly HashSet<int> _stopTokenIds;

    public TextGenerationRuntime(
        string modelName,
        ModelDescription description,
        IGenerationTokenizer tokenizer,
        ChatTemplate? chatTemplate,
        IDecoderSession session,
        ContinuousBatchScheduler scheduler,
        InferenceMetrics metrics,
        TimeProvider time,
        GenerationDefaults? defaults = null,
        IEnumerable<int>? moreStopTokenIds = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ModelName = modelName;
        Description = description;
        GenerationTokenizer = tokenizer;
        ChatTemplate = chatTemplate;
        Defaults = defaults ?? GenerationDefaults.None;
        _stopTokenIds = [.. new[] { tokenizer.SpecialTokens.EosId, chatTemplate?.EndOfTurnId }.OfType<int>(), .. Defaults.EosTokenIds, .. moreStopTokenIds ?? []];
        _session = session;
        Scheduler = scheduler;
        Metrics = metrics;
        Time = time;
    }

    public static IReadOnlyList<ModelTask> Tasks { get; } = [ModelTask.TextGeneration];

    public string ModelName { get; }

    public ModelDescription Description { get; }

    public ITextTokenizer Tokenizer => GenerationTokenizer;

    public IGenerationTokenizer GenerationTokenizer { get; }

    /// <summary>The model's Jinja chat template; <c>null</c> when the folder has none (chat uses <see cref="SimpleChatTemplate"/>).</summary>
    public ChatTemplate? ChatTemplate { get; }

    /// <summary>The model's <c>generation_config.json</c>: sampling defaults a request's own fields override.</summary>
    public GenerationDefaults Defaults { get; }

    /// <summary>The ids that end a generation.</summary>
    public IReadOnlySet<int> StopTokenIds => _stopTokenIds;

    public ContinuousBatchScheduler Scheduler { get; }

    public DecoderShape Shape => _session.Shape;

    public InferenceMetrics Metrics { get; }

    public TimeProvider Time { get; }

    public int QueueDepth => Scheduler.Waiting;

    /// <summary>
    /// Tokenizes and validates a prompt with its sampling settings, then queues it to join the running batch.
    /// Errors name the field (as <paramref name="fields"/> calls it), the limit and the value (prompt too long: 422;
    /// settings out of range: 400; queue full: 429).
    /// </summary>
    public Result<GenerationSequence> Start(string prompt, SamplingRequest request, GenerationFields fields, CancellationToken cancellationToken) =>
        Enqueued(Prepare(prompt, request, fields, cancellationToken));

    /// <summary>
    /// Starts a chat answer: the messages rendered by the model's chat template (encoded as rendered, its special tokens
    /// included), or by <see cref="SimpleChatTemplate"/> with its stop sequences when the model has none.
    /// </summary>
    public Result<GenerationSequence> StartChat(IReadOnlyList<ChatTurn> turns, SamplingRequest request, GenerationFields fields, CancellationToken cancellationToken) =>
        Enqueued(PrepareChat(turns, request, fields, cancellationToken));

    /// <summary>
    /// What <see cref="Start"/> does before queueing: the sequence, tokenized and validated, not yet queued, so a caller
    /// can admit it (a token quota knows its size only now) before <see cref="Enqueue"/>.
    /// </summary>
    public Result<GenerationSequence> Prepare(string prompt, SamplingRequest request, GenerationFields fields, CancellationToken cancellationToken) =>
        Prepare(prompt, request, fields, addSpecialTokens: true, cancellationToken);

    /// <summary>What <see cref="StartChat"/> does before queueing (see <see cref="Prepare(string, SamplingRequest, GenerationFields, CancellationToken)"/>).</summary>
    public Result<GenerationSequence> PrepareChat(IReadOnlyList<ChatTurn> turns, SamplingRequest request, GenerationFields fields, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ChatTemplate is null)
        {
            var stops = request.StopSequences ?? [];
            return Prepare(SimpleChatTemplate.Render(turns), request with { StopSequences = [.. stops, .. SimpleChatTemplate.StopSequences] }, fields, addSpecialTokens: true, cancellationToken);
        }

        var rendered = ChatTemplate.Render(turns);
        return rendered.IsSuccess ? Prepare(rendered.Value!, request, fields, addSpecialTokens: false, cancellationToken) : rendered.Error!;
    }

    /// <summary>Queues a prepared sequence to join the running batch; the error when the queue is full or the model is draining.</summary>
    public InferenceError? Enqueue(GenerationSequence sequence) => Scheduler.TryEnqueue(sequence);

    public bool IsStopToken(int id) => _stopTokenIds.Contains(id);

    private Result<GenerationSequence> Enqueued(Result<GenerationSequence> prepared) =>
        !prepared.IsSuccess ? prepared : Enqueue(prepared.Value) is { } rejected ? rejected : prepared;

    private Result<GenerationSequence> Prepare(string prompt, SamplingRequest request, GenerationFields fields, bool addSpecialTokens, CancellationToken cancellationToken)
    {
        var context = Description.MaxSequenceLength;
        TokenizedText ids;
        using (var span = InferenceTracing.Start("tokenize"))
        {
            ids = GenerationTokenizer.EncodePrompt(prompt, context, truncate: false, addSpecialTokens);
            span?.SetTag("inference.prompt_tokens", ids.OriginalLength);
        }

        if (ids.Length >= context)
        {
            return new InferenceError(
                ErrorKind.InputTooLong,
                $"`{fields.Prompt}` has {ids.OriginalLength} tokens but model '{ModelName}' has a context of {context}, which must also hold the generated tokens.")
            {
                Field = fields.Prompt,
                Limit = context - 1,
                Received = ids.OriginalLength,
            };
        }

        if (ids.Length == 0)
        {
            return InferenceError.Invalid(fields.Prompt, $"`{fields.Prompt}` produced no tokens.");
        }

        var parameters = SamplingValidator.Validate(Defaults.Apply(request), context, ids.Length, Defaults.Limits(Shape.VocabularySize), fields);
        if (!parameters.IsSuccess)
        {
            return parameters.Error;
        }

        return new GenerationSequence(this, ids.Ids, parameters.Value, cancellationToken);
    }

    public void CutOff() => Scheduler.CutOff();

    public async ValueTask DisposeAsync()
    {
        await Scheduler.DisposeAsync().ConfigureAwait(false);
        _session.Dispose();
    }
}
