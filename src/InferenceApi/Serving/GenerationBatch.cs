using System.Runtime.CompilerServices;
using System.Threading.Channels;
using InferenceApi.Access;
using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;

namespace InferenceApi.Serving;

/// <summary>
/// The sequences one request started (prompts × samples, in choice order) under one model lease, which the batch
/// holds until it is disposed (when the answer or the stream is complete), so a version never retires under a
/// running generation. Waiting for them or streaming them ends all of them as soon as one fails, and disposing ends
/// any still running, so no orphan keeps a decode slot. Disposing also settles the request's token reservation with
/// what its sequences actually used (each prompt once, and every token generated so far), however the request ended.
/// </summary>
public sealed class GenerationBatch(
    ModelLease<TextGenerationRuntime> lease,
    IReadOnlyList<GenerationSequence> sequences,
    int samplesPerPrompt,
    CancellationTokenSource stop,
    TokenReservation? tokens = null) : IDisposable
{
    public ModelVersion Model { get; } = lease.Model;

    /// <summary>Prompt p, sample s is choice <c>p * samplesPerPrompt + s</c>, as OpenAI numbers choices.</summary>
    public IReadOnlyList<GenerationSequence> Sequences { get; } = sequences;

    /// <summary>Every outcome in choice order, or the first error (the other sequences are then cancelled).</summary>
    public async Task<Result<IReadOnlyList<GenerationOutcome>>> CompleteAsync(CancellationToken cancellationToken)
    {
        var outcomes = new GenerationOutcome[Sequences.Count];
        var pending = Sequences.Select((s, i) => (Task: s.Outcome, Index: i)).ToList();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending.Select(p => p.Task)).WaitAsync(cancellationToken);
            var entry = pending.Single(p => p.Task == done);
            pending.Remove(entry);
            var outcome = await done;
            if (!outcome.IsSuccess)
            {
                await stop.CancelAsync();
                return outcome.Error!;
            }

            outcomes[entry.Index] = outcome.Value!;
        }

        return outcomes;
    }

    /// <summary>
    /// Token events of all sequences as they come, each tagged with its choice, then one end event per choice with its
    /// outcome. An error ends the stream after its event and cancels the other sequences.
    /// </summary>
    public async IAsyncEnumerable<GenerationEvent> StreamAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Sequences.Count == 1)
        {
            // The common case needs no merging.
            await foreach (var token in Sequences[0].Tokens.ReadAllAsync(cancellationToken))
            {
                yield return new GenerationEvent(0, token, null, null);
            }

            var outcome = await Sequences[0].Outcome;
            yield return outcome.IsSuccess ? new GenerationEvent(0, null, outcome.Value, null) : new GenerationEvent(0, null, null, outcome.Error);
            yield break;
        }

        var merged = Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions { SingleReader = true });
        var pumps = Sequences.Select((s, i) => PumpAsync(s, i, merged.Writer, cancellationToken)).ToArray();
        _ = Task.WhenAll(pumps).ContinueWith(_ => merged.Writer.TryComplete(), TaskScheduler.Default);
        await foreach (var item in merged.Reader.ReadAllAsync(cancellationToken))
        {
            yield return item;
            if (item.Error is not null)
            {
                await stop.CancelAsync();
                yield break;
            }
        }
    }

    /// <summary>Token counts: each prompt once (however many samples it had), every generated token.</summary>
    public GenerationUsage Usage(IEnumerable<GenerationOutcome> outcomes)
    {
        int prompt = 0, completion = 0, index = 0;
        foreach (var outcome in outcomes)
        {
            prompt += index++ % samplesPerPrompt == 0 ? outcome.PromptTokens : 0;
            completion += outcome.CompletionTokens;
        }

        return new GenerationUsage(prompt, completion, prompt + completion);
    }

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
        lease.Dispose();
        tokens?.Settle(Sequences.Where((_, i) => i % samplesPerPrompt == 0).Sum(s => s.PromptTokens) + Sequences.Sum(s => s.Generated));
    }

    private static async Task PumpAsync(GenerationSequence sequence, int choice, ChannelWriter<GenerationEvent> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var token in sequence.Tokens.ReadAllAsync(cancellationToken))
            {
                writer.TryWrite(new GenerationEvent(choice, token, null, null));
            }

            var outcome = await sequence.Outcome.WaitAsync(cancellationToken);
            writer.TryWrite(outcome.IsSuccess ? new GenerationEvent(choice, null, outcome.Value, null) : new GenerationEvent(choice, null, null, outcome.Error));
        }
        catch (OperationCanceledException)
        {
            // The client left; the reader is gone too.
        }
    }
}
