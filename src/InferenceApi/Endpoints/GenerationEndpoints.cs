using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Inference;
using InferenceApi.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceApi.Endpoints;

/// <summary><c>POST /v1/generate</c>: text generation with continuous batching, as one answer or as server-sent events.</summary>
public static class GenerationEndpoints
{
    public static IEndpointRouteBuilder MapGenerationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1").WithTags("Generation")
            .MapPost("/generate", GenerateAsync)
            .WithName("Generate")
            .WithSummary("Continue a prompt with a text-generation model; stream: true answers with server-sent events, one per token, then a final event.")
            .WithDescription("Greedy by default (temperature 0); temperature, top_k, top_p, repetition_penalty and seed control sampling. " +
                "Stop sequences are matched on the text across token boundaries and not included. Each sequence joins the running batch between decode steps.")
            .Accepts<GenerateRequest>("application/json")
            .WithRequestExample(new GenerateRequest("gpt", "Once upon a time", 32, 0.7, 50, 0.95, 1.1, ["\n\n"], 42, false, false, null))
            .ProducesInferenceProblems();
        return app;
    }

    private static async Task<IResult> GenerateAsync(
        GenerateRequest request, RequestValidator validator, ModelRepository repository, HttpContext http, CancellationToken cancellationToken)
    {
        var model = validator.Model(request.Model, request.Version);
        if (!model.IsSuccess)
        {
            return new ProblemResult(model.Error);
        }

        if (string.IsNullOrEmpty(request.Prompt))
        {
            return new ProblemResult(InferenceError.Invalid("prompt", "`prompt` is required and must not be empty."));
        }

        if (request.Prompt.Length > validator.Limits.MaxInputCharacters)
        {
            return new ProblemResult(new InferenceError(ErrorKind.PayloadTooLarge, $"`prompt` has {request.Prompt.Length} characters; at most {validator.Limits.MaxInputCharacters} are allowed.")
            {
                Field = "prompt",
                Limit = validator.Limits.MaxInputCharacters,
                Received = request.Prompt.Length,
            });
        }

        var acquired = repository.Acquire(model.Value.Name, model.Value.Version, ModelTask.TextGeneration);
        if (!acquired.IsSuccess)
        {
            return new ProblemResult(acquired.Error);
        }

        // The lease is held until the answer or the stream is complete: a version never retires under a running generation.
        var lease = acquired.Value;
        http.Response.RegisterForDispose(lease);
        InferenceTelemetry.Tag(http, lease.Model.Name, lease.Model.Version);
        var runtime = (TextGenerationRuntime)lease.Runtime;
        var started = runtime.Start(request.Prompt, ToSampling(request), cancellationToken);
        if (!started.IsSuccess)
        {
            return new ProblemResult(started.Error);
        }

        var sequence = started.Value;
        if (request.Stream == true)
        {
            return TypedResults.ServerSentEvents(StreamAsync(sequence, http, cancellationToken));
        }

        var outcome = await sequence.Outcome.WaitAsync(cancellationToken);
        if (!outcome.IsSuccess)
        {
            return new ProblemResult(outcome.Error);
        }

        var done = outcome.Value;
        return TypedResults.Ok(new GenerateResponse(
            lease.Model.Name,
            lease.Model.Version,
            done.Text,
            done.FinishReason.ToApiName(),
            Usage(done),
            done.Tokens?.Select(t => new GeneratedTokenInfo(t.Id, t.Text, t.Logprob)).ToArray()));
    }

    /// <summary>Token events as they come, then the final event; an error after the stream began is an <c>error</c> event with the same problem body.</summary>
    private static async IAsyncEnumerable<SseItem<object>> StreamAsync(
        GenerationSequence sequence, HttpContext http, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var logprobs = sequence.Parameters.ReturnLogprobs;
        await foreach (var token in sequence.Tokens.ReadAllAsync(cancellationToken))
        {
            yield return new SseItem<object>(new GenerateStreamToken(token.Index, new GeneratedTokenInfo(token.Id, token.Text, logprobs ? token.Logprob : null)), "token");
        }

        var outcome = await sequence.Outcome;
        if (!outcome.IsSuccess)
        {
            yield return new SseItem<object>(ProblemResult.ToProblemDetails(outcome.Error, http), "error");
            yield break;
        }

        yield return new SseItem<object>(new GenerateStreamEnd(outcome.Value.Text, outcome.Value.FinishReason.ToApiName(), Usage(outcome.Value)), "end");
    }

    private static GenerationUsage Usage(GenerationOutcome outcome) =>
        new(outcome.PromptTokens, outcome.CompletionTokens, outcome.PromptTokens + outcome.CompletionTokens);

    private static SamplingRequest ToSampling(GenerateRequest request) => new()
    {
        // Greedy unless asked: what TGI does, and what makes answers cacheable and reproducible.
        Temperature = (float)(request.Temperature ?? 0),
        TopK = request.TopK,
        TopP = request.TopP is { } p ? (float)p : null,
        RepetitionPenalty = request.RepetitionPenalty is { } r ? (float)r : null,
        Seed = request.Seed,
        MaxNewTokens = request.MaxNewTokens,
        StopSequences = request.Stop,
        ReturnLogprobs = request.Logprobs ?? false,
    };
}
