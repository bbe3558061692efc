using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using InferenceApi.Access;
using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Serving;

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
            .WithRequestExample(new GenerateRequest(ExampleModels.Generator, "It is a truth universally acknowledged, that", 32, 0.7, 50, 0.95, 1.3, ["\n\n"], 42, false, false, null))
            .ProducesErrors();
        return app;
    }

    private static async Task<IResult> GenerateAsync(GenerateRequest request, GenerationGateway gateway, HttpContext http, CancellationToken cancellationToken)
    {
        var start = new GenerationStart(request.Model, request.Version, request.Prompt is null ? [] : [request.Prompt], ToSampling(request)) { Tokens = http.TokenQuota() };
        if (request.Stream == true)
        {
            var started = await StartStreamAsync(gateway, start, http, cancellationToken);
            return started.IsSuccess ? TypedResults.ServerSentEvents(StreamAsync(started.Value, http, cancellationToken)) : new ErrorResult(started.Error);
        }

        var answered = http.Report(await gateway.CompleteAsync(start, cancellationToken));
        if (!answered.IsSuccess)
        {
            return new ErrorResult(answered.Error);
        }

        var answer = answered.Value;
        var done = answer.Outcomes[0];
        return TypedResults.Ok(new GenerateResponse(
            answer.Model.Name,
            answer.Model.Version,
            done.Text,
            done.FinishReason.ToApiName(),
            answer.Usage,
            done.Tokens?.Select(t => new GeneratedTokenInfo(t.Id, t.Text, t.Logprob)).ToArray()));
    }

    /// <summary>Starts a streamed generation (for every generation endpoint), reported, and held until the response is complete.</summary>
    internal static async ValueTask<Result<GenerationBatch>> StartStreamAsync(GenerationGateway gateway, GenerationStart start, HttpContext http, CancellationToken cancellationToken)
    {
        var started = http.Report(await gateway.StartAsync(start, cancellationToken));
        if (started.IsSuccess)
        {
            http.Response.RegisterForDispose(started.Value);
        }

        return started;
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
                yield return new SseItem<object>(ErrorResult.Body(http, error), "error");
            }
            else
            {
                yield return new SseItem<object>(new GenerateStreamEnd(step.Outcome!.Text, step.Outcome.FinishReason.ToApiName(), batch.Usage([step.Outcome])), "end");
            }
        }
    }

    private static SamplingRequest ToSampling(GenerateRequest request) => new()
    {
        // Greedy unless the request or the model's generation_config.json asks to sample: answers are then cacheable and reproducible.
        Temperature = request.Temperature,
        DefaultTemperature = 0,
        TopK = request.TopK,
        TopP = request.TopP,
        RepetitionPenalty = request.RepetitionPenalty,
        Seed = request.Seed,
        MaxNewTokens = request.MaxNewTokens,
        StopSequences = request.Stop,
        ReturnLogprobs = request.Logprobs ?? false,
    };
}
