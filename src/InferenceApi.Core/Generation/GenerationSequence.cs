using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using InferenceApi.Core.Diagnostics;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Generation;

/// <summary>
/// One generation request inside the continuous batch: it samples its own tokens (own seeded sampler),
/// turns them into text across token boundaries, watches for stop sequences, and publishes every token to
/// its reader as it is produced. <see cref="Advance"/> runs on the scheduler's loop; readers are on request threads.
/// </summary>
public sealed class GenerationSequence : IGeneratingSequence
{
    private readonly TextGenerationRuntime _runtime;
    private readonly List<int> _history;
    private readonly int _promptLength;
    private readonly TokenSampler _sampler;
    private readonly IncrementalDecoder _decoder;
    private readonly StopSequenceMatcher _stop;
    private readonly Channel<GeneratedToken> _tokens = Channel.CreateUnbounded<GeneratedToken>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource<Result<GenerationOutcome>> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _text = new();
    private readonly List<GeneratedToken>? _kept;
    private readonly CancellationToken _cancellation;
    private readonly DateTimeOffset _deadline;
    private readonly long _enqueuedTimestamp;
    private long _lastTokenAt;
    private int _generated;

    public GenerationSequence(TextGenerationRuntime runtime, int[] prompt, SamplingParameters parameters, CancellationToken cancellation)
    {
        _runtime = runtime;
        _history = new List<int>(prompt.Length + parameters.MaxNewTokens);
        _history.AddRange(prompt);
        _promptLength = prompt.Length;
        Parameters = parameters;
        _sampler = new TokenSampler(parameters);
        _decoder = runtime.GenerationTokenizer.CreateIncrementalDecoder(skipSpecialTokens: true);
        _stop = new StopSequenceMatcher(parameters.StopSequences);
        _kept = parameters.ReturnLogprobs ? [] : null;
        _cancellation = cancellation;
        EnqueuedAt = runtime.Time.GetUtcNow();
        _deadline = EnqueuedAt + runtime.Description.RequestTimeout;
        _enqueuedTimestamp = runtime.Time.GetTimestamp();
        Cache = new SequenceCache();
        NextInput = prompt;
        TraceContext = InferenceTracing.CurrentContext;
    }

    public SamplingParameters Parameters { get; }

    public SequenceCache Cache { get; }

    public IReadOnlyList<int> NextInput { get; private set; }

    public int NextPosition => _runtime.Shape.HasPast ? Cache.Length : 0;

    public int MaxTotalTokens => _promptLength + Parameters.MaxNewTokens;

    public int PromptTokens => _promptLength;

    /// <summary>Tokens generated so far (read from any thread; the scheduler's loop writes it).</summary>
    public int Generated => Volatile.Read(ref _generated);

    /// <summary>The seed in use (given or drawn), so a client can replay a sampled generation.</summary>
    public ulong Seed => _sampler.Seed;

    public DateTimeOffset EnqueuedAt { get; }

    /// <summary>The request timeout bounds the wait to join the running batch; a started generation runs to its end.</summary>
    public DateTimeOffset Deadline => _generated == 0 ? _deadline : DateTimeOffset.MaxValue;

    public bool IsCancelled => _cancellation.IsCancellationRequested;

    public ActivityContext TraceContext { get; }

    /// <summary>Tokens as they are generated; completes when the generation ends (check <see cref="Outcome"/> for how).</summary>
    public ChannelReader<GeneratedToken> Tokens => _tokens.Reader;

    /// <summary>Completes when the generation ends, with its outcome or the error that ended it; never faults.</summary>
    public Task<Result<GenerationOutcome>> Outcome => _outcome.Task;

    public bool Advance(Span<float> logits)
    {
        var logprob = float.NaN;
        var token = Parameters.ReturnLogprobs
            ? _sampler.Next(logits, CollectionsMarshal.AsSpan(_history), out logprob)
            : _sampler.Next(logits, CollectionsMarshal.AsSpan(_history));
        _history.Add(token);
        _generated++;
        RecordTiming();

        if (_runtime.IsStopToken(token))
        {
            Finish(FinishReason.EosToken, new GeneratedToken(_generated - 1, token, string.Empty, logprob));
            return true;
        }

        var released = _stop.Push(_decoder.Append(token));
        FinishReason? reason = released.Stopped ? FinishReason.StopSequence : _generated >= Parameters.MaxNewTokens ? FinishReason.Length : null;
        var text = released.Text;
        if (reason == FinishReason.Length)
        {
            // Whatever the decoder or the stop matcher still held belongs to this last token.
            text += _stop.Push(_decoder.Flush()).Text + _stop.Flush();
        }

        var generated = new GeneratedToken(_generated - 1, token, text, logprob);
        if (reason is { } finished)
        {
            Finish(finished, generated);
            return true;
        }

        Emit(generated);
        NextInput = _runtime.Shape.HasPast ? [token] : _history.ToArray();
        return false;
    }

    public void Fail(InferenceError error)
    {
        _tokens.Writer.TryComplete();
        _outcome.TrySetResult(error);
    }

    private void Emit(GeneratedToken token)
    {
        _text.Append(token.Text);
        _kept?.Add(token);
        _tokens.Writer.TryWrite(token);
    }

    private void Finish(FinishReason reason, GeneratedToken last)
    {
        Emit(last);
        _tokens.Writer.TryComplete();
        _outcome.TrySetResult(new GenerationOutcome(_text.ToString(), reason, _promptLength, _generated, _sampler.Seed, _kept));
    }

    private void RecordTiming()
    {
        var now = _runtime.Time.GetTimestamp();
        if (_generated == 1)
        {
            _runtime.Metrics.RecordFirstToken(_runtime.ModelName, _runtime.Time.GetElapsedTime(_enqueuedTimestamp, now));
        }
        else
        {
            _runtime.Metrics.RecordNextToken(_runtime.ModelName, _runtime.Time.GetElapsedTime(_lastTokenAt, now));
        }

        _lastTokenAt = now;
    }
}
