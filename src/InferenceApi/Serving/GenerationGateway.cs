using InferenceApi.Access;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;
using InferenceApi.Validation;

namespace InferenceApi.Serving;

/// <summary>
/// What every text-generation endpoint (TGI-like and OpenAI-compatible) does before its own response shape: check the
/// model and prompts, lease the model, and start one sequence per prompt and sample (<see cref="StartAsync"/>, for streams),
/// or answer a whole request from the cache or by running it (<see cref="CompleteAsync"/>). Errors name the fields the
/// endpoint's clients send (<see cref="GenerationStart.PromptField"/>, <see cref="GenerationStart.MaxTokensField"/>).
/// </summary>
public sealed class GenerationGateway(RequestValidator validator, ModelRepository repository, GenerationCache cache)
{
    /// <summary>At most this many samples per prompt (OpenAI's <c>n</c>): each one is a sequence in the running batch.</summary>
    public const int MaxSamplesPerPrompt = 8;

    /// <summary>
    /// Starts the request's sequences; the caller disposes the batch when its response is complete (that releases the
    /// model, ends whatever still runs, and settles the request's token reservation).
    /// </summary>
    public async ValueTask<Served<GenerationBatch>> StartAsync(GenerationStart request, CancellationToken cancellationToken)
    {
        var acquired = Acquire(request);
        return acquired.IsSuccess ? await BeginAsync(acquired.Value, request, cancellationToken) : acquired.Error;
    }

    /// <summary>
    /// The whole answer: from the cache when the request is deterministic and was answered before (on this version),
    /// else by running every sequence to its end.
    /// </summary>
    public async Task<Served<GenerationAnswer>> CompleteAsync(GenerationStart request, CancellationToken cancellationToken)
    {
        var acquired = Acquire(request);
        if (!acquired.IsSuccess)
        {
            return acquired.Error;
        }

        var model = acquired.Value.Model;
        var key = GenerationCache.Key(model, acquired.Value.Runtime.Defaults, request);
        if (key is not null && await cache.GetAsync(key, cancellationToken) is { } cached)
        {
            acquired.Value.Dispose();

            // A cached answer costs the tokens it reports, as it would have generated them.
            if (await ChargeAsync(request, cached.Usage.TotalTokens, cancellationToken) is { } overQuota)
            {
                return new Served<GenerationAnswer>(overQuota, model);
            }

            return new Served<GenerationAnswer>(new GenerationAnswer(model, cached.Outcomes, cached.Usage), model, new RunReport(1, 1));
        }

        var started = await BeginAsync(acquired.Value, request, cancellationToken);
        if (!started.Result.IsSuccess)
        {
            return new Served<GenerationAnswer>(started.Result.Error, model);
        }

        using var batch = started.Result.Value;
        var outcomes = await batch.CompleteAsync(cancellationToken);
        if (!outcomes.IsSuccess)
        {
            return new Served<GenerationAnswer>(outcomes.Error, model);
        }

        var answer = new GenerationAnswer(model, outcomes.Value, batch.Usage(outcomes.Value));
        if (key is null)
        {
            return new Served<GenerationAnswer>(answer, model);
        }

        cache.Set(key, answer);
        return new Served<GenerationAnswer>(answer, model, new RunReport(1, 0));
    }

    private Result<ModelLease<TextGenerationRuntime>> Acquire(GenerationStart request)
    {
        var model = validator.Model(request.Model, request.Version);
        if (!model.IsSuccess)
        {
            return model.Error;
        }

        if (request.Prompts.Count == 0)
        {
            return InferenceError.Invalid(request.PromptField, $"`{request.PromptField}` is required and must not be empty.");
        }

        var maxPrompts = validator.Limits.MaxInputsPerRequest;
        if (request.Prompts.Count > maxPrompts)
        {
            return InferenceError.Invalid(request.PromptField,
                $"`{request.PromptField}` has {request.Prompts.Count} prompts; at most {maxPrompts} are allowed per request.", maxPrompts, request.Prompts.Count);
        }

        for (var i = 0; i < request.Prompts.Count; i++)
        {
            if (CheckPrompt(request.Prompts[i], PromptField(request, i)) is { } invalid)
            {
                return invalid;
            }
        }

        return repository.Acquire<TextGenerationRuntime>(model.Value.Name, model.Value.Version);
    }

    /// <summary>
    /// Prepares every sequence under <paramref name="lease"/> (tokenized and checked), reserves their tokens from the
    /// caller's quota, then queues them; the batch then holds the lease and the reservation. On a refusal the lease is
    /// released and the reservation given back here.
    /// </summary>
    private static async ValueTask<Served<GenerationBatch>> BeginAsync(ModelLease<TextGenerationRuntime> lease, GenerationStart request, CancellationToken cancellationToken)
    {
        // Ends every started sequence when one of them fails or the response is done, as well as when the client leaves.
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sequences = new List<GenerationSequence>(request.Prompts.Count * request.SamplesPerPrompt);
        TokenReservation? reservation = null;
        InferenceError? refused = null;
        for (var p = 0; p < request.Prompts.Count && refused is null; p++)
        {
            var fields = new GenerationFields(PromptField(request, p), request.MaxTokensField);
            for (var s = 0; s < request.SamplesPerPrompt && refused is null; s++)
            {
                // Each sample of a seeded request gets its own seed, so the choices differ yet replay exactly.
                var sampling = s == 0 || request.Sampling.Seed is null ? request.Sampling : request.Sampling with { Seed = request.Sampling.Seed + (ulong)s };
                var prepared = request.Messages is { } messages
                    ? lease.Runtime.PrepareChat(messages, sampling, fields, stop.Token)
                    : lease.Runtime.Prepare(request.Prompts[p], sampling, fields, stop.Token);
                refused = prepared.Error;
                if (prepared.IsSuccess)
                {
                    sequences.Add(prepared.Value);
                }
            }
        }

        if (refused is null && request.Tokens is { } quota)
        {
            // Each prompt counts once however many samples it has, as usage reports it; each sample may generate its maximum.
            var tokens = sequences.Where((_, i) => i % request.SamplesPerPrompt == 0).Sum(q => q.PromptTokens) + sequences.Sum(q => q.Parameters.MaxNewTokens);
            var reserved = await quota.ReserveAsync(tokens, request.MaxTokensField, cancellationToken);
            reservation = reserved.Value;
            refused = reserved.Error;
        }

        for (var i = 0; i < sequences.Count && refused is null; i++)
        {
            refused = lease.Runtime.Enqueue(sequences[i]);
        }

        if (refused is not null)
        {
            stop.Cancel();
            stop.Dispose();
            lease.Dispose();
            reservation?.Settle(0);
            return new Served<GenerationBatch>(refused, lease.Model);
        }

        return new Served<GenerationBatch>(new GenerationBatch(lease, sequences, request.SamplesPerPrompt, stop, reservation), lease.Model);
    }

    /// <summary>Charges <paramref name="tokens"/> to the caller's quota at once; the 429 when it cannot pay them.</summary>
    private static async ValueTask<InferenceError?> ChargeAsync(GenerationStart request, int tokens, CancellationToken cancellationToken)
    {
        if (request.Tokens is not { } quota)
        {
            return null;
        }

        var reserved = await quota.ReserveAsync(tokens, request.MaxTokensField, cancellationToken);
        reserved.Value?.Settle(tokens);
        return reserved.Error;
    }

    private InferenceError? CheckPrompt(string prompt, string field)
    {
        if (string.IsNullOrEmpty(prompt))
        {
            return InferenceError.Invalid(field, $"`{field}` is required and must not be empty.");
        }

        var limit = validator.Limits.MaxInputCharacters;
        return prompt.Length > limit
            ? new InferenceError(ErrorKind.PayloadTooLarge, $"`{field}` has {prompt.Length} characters; at most {limit} are allowed.") { Field = field, Limit = limit, Received = prompt.Length }
            : null;
    }

    private static string PromptField(GenerationStart request, int index) =>
        request.Prompts.Count == 1 ? request.PromptField : $"{request.PromptField}[{index}]";
}
