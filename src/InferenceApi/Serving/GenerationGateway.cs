using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;
using InferenceApi.Validation;

namespace InferenceApi.Serving;

/// <summary>
/// What every text-generation endpoint (TGI-like and OpenAI-compatible) does before its own response shape: check the
/// model and prompts, take a model lease held until the response is complete, and start one sequence per prompt and
/// sample. Errors name the fields the endpoint's clients send (<see cref="GenerationStart.PromptField"/>, <see cref="GenerationStart.MaxTokensField"/>).
/// </summary>
public sealed class GenerationGateway(RequestValidator validator, ModelRepository repository)
{
    /// <summary>At most this many samples per prompt (OpenAI's <c>n</c>): each one is a sequence in the running batch.</summary>
    public const int MaxSamplesPerPrompt = 8;

    public Result<GenerationBatch> Start(GenerationStart request, HttpContext http, CancellationToken cancellationToken)
    {
        var model = validator.Model(request.Model, request.Version);
        if (!model.IsSuccess)
        {
            return model.Error!;
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

        var acquired = repository.Acquire<TextGenerationRuntime>(model.Value!.Name, model.Value.Version);
        if (!acquired.IsSuccess)
        {
            return acquired.Error!;
        }

        // The lease is held until the answer or the stream is complete: a version never retires under a running generation.
        var lease = acquired.Value!;
        http.Response.RegisterForDispose(lease);
        InferenceTelemetry.Tag(http, lease.Model.Name, lease.Model.Version);

        // Ends every started sequence when one of them fails or the response is done, as well as when the client leaves.
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        http.Response.RegisterForDispose(new CancelOnDispose(stop));
        var runtime = lease.Runtime;
        var sequences = new List<GenerationSequence>(request.Prompts.Count * request.SamplesPerPrompt);
        for (var p = 0; p < request.Prompts.Count; p++)
        {
            for (var s = 0; s < request.SamplesPerPrompt; s++)
            {
                // Each sample of a seeded request gets its own seed, so the choices differ yet replay exactly.
                var sampling = s == 0 || request.Sampling.Seed is null ? request.Sampling : request.Sampling with { Seed = request.Sampling.Seed + (ulong)s };
                var fields = new GenerationFields(PromptField(request, p), request.MaxTokensField);
                var started = request.Messages is { } messages
                    ? runtime.StartChat(messages, sampling, fields, stop.Token)
                    : runtime.Start(request.Prompts[p], sampling, fields, stop.Token);
                if (!started.IsSuccess)
                {
                    stop.Cancel();
                    return started.Error;
                }

                sequences.Add(started.Value!);
            }
        }

        return new GenerationBatch(lease.Model.Name, lease.Model.Version, sequences, request.SamplesPerPrompt, stop);
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

    /// <summary>Cancels (rather than only disposes) the request's sequences when the response is disposed.</summary>
    private sealed class CancelOnDispose(CancellationTokenSource source) : IDisposable
    {
        public void Dispose()
        {
            source.Cancel();
            source.Dispose();
        }
    }
}
