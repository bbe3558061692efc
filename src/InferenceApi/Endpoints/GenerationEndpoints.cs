using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using InferenceApi.Contracts;
using InferenceApi.Core.Generation;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Serving;
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
        GenerateRequest request, GenerationGateway gateway, GenerationCache cache, HttpContext http, CancellationToken cancellationToken)
    {
        var key = cache.Key(request);
        if (key is not null && await cache.GetAsync(key, cancellationToken) is { } cached)
        {
            http.Response.Headers["x-cache"] = "hit";
            return TypedResults.Ok(cached);
        }

        var started = gateway.Start(
            new GenerationStart(request.Model, request.Version, request.Prompt is null ? [] : [request.Prompt], ToSampling(request)),
            http,
            cancellationToken);
        if (!started.IsSuccess)
        {
            return new ProblemResult(started.Error!);
        }

        var batch = started.Value!;
        if (request.Stream == true)
        {
            return TypedResults.ServerSentEvents(StreamAsync(batch, http, cancellationToken));
        }

        var outcome = await batch.CompleteAsync(cancellationToken);
        if (!outcome.IsSuccess)
        {
            return new ProblemResult(outcome.Error!);
        }

        var done = outcome.Value![0];
        var response = new GenerateResponse(
            batch.Model,
            batch.Version,
            done.Text,
            done.FinishReason.ToApiName(),
            batch.Usage([done]),
            done.Tokens?.Select(t => new GeneratedTokenInfo(t.Id, t.Text, t.Logprob)).ToArray());
        if (key is not null)
        {
            cache.Set(key, response);
            http.Response.Headers["x-cache"] = "miss";
        }

        return TypedResults.Ok(response);
    }

    /// <summary>Token events as they come, then the final event; an error after the stream began is an <c>error</c> event with the same problem body.</summary>
    private static async IAsyncEnumerable<SseItem<object>> StreamAsync(
        GenerationBatch batch, HttpContext http, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var logprobs = batch.Sequences[0].Parameters.ReturnLogprobs;
        await foreach (var step in batch.StreamAsync(cancellationToken))
        {
            if (step.Token is { } token)
            {
                yield return new SseItem<object>(new GenerateStreamToken(token.Index, new GeneratedTokenInfo(token.Id, token.Text, logprobs ? token.Logprob : null)), "token");
            }
            else if (step.Error is { } error)
            {
                yield return new SseItem<object>(ProblemResult.ToProblemDetails(error, http), "error");
            }
            else
            {
                yield return new SseItem<object>(new GenerateStreamEnd(step.Outcome!.Text, step.Outcome.FinishReason.ToApiName(), batch.Usage([step.Outcome])), "end");
            }
        }
    }

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
