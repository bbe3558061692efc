using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using InferenceApi.Access;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Generation;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Serving;
using InferenceApi.Serving.KServe;

namespace InferenceApi.Endpoints;

/// <summary>
/// The Open Inference Protocol's generate extension (Triton's and KServe's LLM route): <c>text_input</c> and
/// <c>parameters</c> in, <c>text_output</c> out, whole (<c>/generate</c>) or as server-sent events, one per token
/// (<c>/generate_stream</c>). The same <see cref="GenerationGateway"/> as <c>/v1/generate</c> runs it, so sequences join
/// the same continuous batch and greedy or seeded answers share its cache. Errors are <c>{"error"}</c>; one after a
/// stream began is a <c>data:</c> event with that body.
/// </summary>
public static class KServeGenerateEndpoints
{
    private const string PromptField = "text_input";
    private const string MaxTokensField = "parameters.max_tokens";

    /// <summary>The protocol's default, where <c>/v1/generate</c> has its own.</summary>
    private const int DefaultMaxTokens = 20;

    public static IEndpointRouteBuilder MapKServeGenerateEndpoints(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup(ErrorFamilies.KServePrefix).WithTags("KServe v2 generate").WithErrorFamily(ErrorFamily.KServe);
        var example = new KServeGenerateRequest("It is a truth universally acknowledged, that", new(0, null, null, 16, null, true, null, null, null));
        foreach (var (route, name) in new[] { ("/models/{name}/generate", "KServeGenerate"), ("/models/{name}/versions/{version}/generate", "KServeGenerateVersion") })
        {
            v2.MapPost(route, GenerateAsync)
                .WithName(name)
                .WithSummary("Generate text (generate extension): text_input and parameters (temperature 1, max_tokens 20 by default; top_p, top_k, stop, seed, details) → text_output, and with details: true the finish reason and every token's id, text and logprob.")
                .Accepts<KServeGenerateRequest>("application/json")
                .WithRequestExample(example)
                .WithRouteExample("name", ExampleModels.Generator).WithRouteExample("version", ExampleModels.GeneratorVersion)
                .ProducesErrors();
        }

        foreach (var (route, name) in new[] { ("/models/{name}/generate_stream", "KServeGenerateStream"), ("/models/{name}/versions/{version}/generate_stream", "KServeGenerateStreamVersion") })
        {
            v2.MapPost(route, GenerateStreamAsync)
                .WithName(name)
                .WithSummary("Generate text as server-sent events: one data event per token (text_output is its text; token with its id, text and logprob with details: true), then with details: true a last event with details.finish_reason and details.token.")
                .Accepts<KServeGenerateRequest>("application/json")
                .WithRequestExample(example)
                .WithRouteExample("name", ExampleModels.Generator).WithRouteExample("version", ExampleModels.GeneratorVersion)
                .ProducesErrors();
        }

        return app;
    }

    private static async Task<IResult> GenerateAsync(
        string name, string? version, KServeGenerateRequest request, GenerationGateway gateway, HttpContext http, CancellationToken cancellationToken)
    {
        var start = Start(name, version, request);
        if (!start.IsSuccess)
        {
            return new ErrorResult(start.Error);
        }

        var answered = http.Report(await gateway.CompleteAsync(start.Value with { Tokens = http.TokenQuota() }, cancellationToken));
        if (!answered.IsSuccess)
        {
            return new ErrorResult(answered.Error);
        }

        var answer = answered.Value;
        var done = answer.Outcomes[0];
        var details = request.Parameters?.Details == true
            ? new KServeGenerateDetails(done.FinishReason.ToApiName(), done.Tokens?.Select(Token).ToArray() ?? [], null)
            : null;
        return TypedResults.Ok(new KServeGenerateResponse(done.Text, answer.Model.Name, Version(answer.Model.Version), details));
    }

    private static async Task<IResult> GenerateStreamAsync(
        string name, string? version, KServeGenerateRequest request, GenerationGateway gateway, HttpContext http, CancellationToken cancellationToken)
    {
        var start = Start(name, version, request);
        if (!start.IsSuccess)
        {
            return new ErrorResult(start.Error);
        }

        var started = await GenerationEndpoints.StartStreamAsync(gateway, start.Value with { Tokens = http.TokenQuota() }, http, cancellationToken);
        return started.IsSuccess
            ? TypedResults.ServerSentEvents(StreamAsync(started.Value, request.Parameters?.Details == true, http, cancellationToken))
            : new ErrorResult(started.Error);
    }

    private static async IAsyncEnumerable<SseItem<object>> StreamAsync(
        GenerationBatch batch, bool details, HttpContext http, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var model = batch.Model;
        KServeGenerateToken? last = null;
        await foreach (var step in batch.StreamAsync(cancellationToken))
        {
            if (step.Token is { } token)
            {
                last = Token(token);
                yield return new SseItem<object>(new KServeGenerateResponse(token.Text, model.Name, Version(model.Version), null, details ? last : null));
            }
            else if (step.Error is { } error)
            {
                yield return new SseItem<object>(ErrorResult.Body(http, error));
            }
            else if (details)
            {
                yield return new SseItem<object>(new KServeGenerateResponse(string.Empty, model.Name, Version(model.Version), new(step.Outcome!.FinishReason.ToApiName(), null, last)));
            }
        }
    }

    private static Core.Errors.Result<GenerationStart> Start(string name, string? version, KServeGenerateRequest request)
    {
        var route = KServeRequestValidator.Route(name, version);
        if (!route.IsSuccess)
        {
            return route.Error;
        }

        var parameters = request.Parameters;
        var sampling = new SamplingRequest
        {
            Temperature = (float)(parameters?.Temperature ?? 1),
            TopK = parameters?.TopK,
            TopP = parameters?.TopP is { } p ? (float)p : null,
            RepetitionPenalty = parameters?.RepetitionPenalty is { } r ? (float)r : null,
            Seed = parameters?.Seed,
            MaxNewTokens = parameters?.MaxTokens ?? DefaultMaxTokens,
            StopSequences = parameters?.Stop,
            ReturnLogprobs = parameters?.Details ?? false,
        };
        return new GenerationStart(name, route.Value.Version, request.TextInput is null ? [] : [request.TextInput], sampling, PromptField: PromptField, MaxTokensField: MaxTokensField);
    }

    private static KServeGenerateToken Token(GeneratedToken token) => new(token.Id, token.Text, token.Logprob, Special: false);

    private static string Version(long version) => version.ToString(CultureInfo.InvariantCulture);
}
