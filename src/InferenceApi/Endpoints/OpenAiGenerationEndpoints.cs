using System.Runtime.CompilerServices;
using System.Text.Json;
using InferenceApi.Access;
using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Serving;
using InferenceApi.Validation;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace InferenceApi.Endpoints;

/// <summary>
/// OpenAI-compatible text generation: <c>POST /v1/completions</c> and <c>POST /v1/chat/completions</c>, as one answer or
/// as <c>data:</c> chunks ending with <c>data: [DONE]</c>. Both run on <see cref="GenerationGateway"/>, like <c>/v1/generate</c>.
/// </summary>
public static class OpenAiGenerationEndpoints
{
    /// <summary>OpenAI's default <c>max_tokens</c> for completions.</summary>
    private const int DefaultCompletionTokens = 16;

    public static IEndpointRouteBuilder MapOpenAiGenerationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("OpenAI compatible").WithErrorFamily(ErrorFamily.OpenAi);
        group.MapPost("/completions", CompletionsAsync)
            .WithName("OpenAiCompletions")
            .WithSummary("OpenAI-compatible (legacy) completions: prompt or prompts, n choices each, stream: true for data: chunks and data: [DONE].")
            .WithDescription("OpenAI's defaults: max_tokens 16, temperature 1. finish_reason is length or stop (stop sequence or end of text). " +
                "logprobs returns each token's log-probability; top_logprobs is always null. echo is not supported.")
            .Accepts<OpenAiCompletionRequest>("application/json")
            .WithRequestExample(new OpenAiCompletionRequest(ExampleModels.Generator, new TextInputs(["Emma could not"], true), 32, 0.7, 0.95, 1, new TextInputs(["\n\n"], true), 42, false, null, null, null, null))
            .ProducesErrors();
        group.MapPost("/chat/completions", ChatCompletionsAsync)
            .WithName("OpenAiChatCompletions")
            .WithSummary("OpenAI-compatible chat completions: the official OpenAI clients work against this server unchanged.")
            .WithDescription("Messages are rendered with the model's own Jinja chat_template (tokenizer_config.json or chat_template.jinja), " +
                "and generation stops at its end-of-turn token; a model without one gets a simple template (\"System: …\\nUser: …\\nAssistant:\") " +
                "that stops at the next \"\\nUser:\". A template that refuses the messages answers 400 with its message. Only text content is accepted.")
            .Accepts<OpenAiChatRequest>("application/json")
            .WithRequestExample(new OpenAiChatRequest(
                ExampleModels.Generator,
                [new OpenAiChatMessage("system", JsonSerializer.SerializeToElement("You are a helpful assistant."), null), new OpenAiChatMessage("user", JsonSerializer.SerializeToElement("Tell me about Mr. Darcy."), null)],
                null, 64, 0.7, null, 1, null, 42, false, null, null))
            .ProducesErrors();
        return app;
    }

    private static async Task<IResult> CompletionsAsync(
        OpenAiCompletionRequest request, GenerationGateway gateway, IOptions<JsonOptions> json, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.Echo == true)
        {
            return new ErrorResult(InferenceError.Invalid("echo", "`echo` is not supported; send false or omit it.", received: true));
        }

        if (request.Logprobs is { } logprobs && (logprobs < 0 || logprobs > 5))
        {
            return new ErrorResult(InferenceError.Invalid("logprobs", $"`logprobs` must be >= 0 and <= 5. Given: {logprobs}", 5, logprobs));
        }

        if (OpenAiGenerationSupport.CheckN(request.N) is { } badN)
        {
            return new ErrorResult(badN);
        }

        var n = request.N ?? 1;
        var prompts = request.Prompt?.Items ?? [];
        var sampling = OpenAiGenerationSupport.Sampling(
            request.Temperature, request.TopP, request.Seed, request.MaxTokens ?? DefaultCompletionTokens, request.Stop?.Items ?? [], request.Logprobs is not null);
        var start = new GenerationStart(request.Model, null, prompts, sampling, n, "prompt", "max_tokens") { Tokens = http.TokenQuota() };
        var id = OpenAiGenerationSupport.NewId("cmpl-");
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var offsets = Enumerable.Range(0, prompts.Count * n).Select(i => prompts[i / n].Length).ToArray();
        if (request.Stream == true)
        {
            var started = await GenerationEndpoints.StartStreamAsync(gateway, start, http, cancellationToken);
            if (!started.IsSuccess)
            {
                return new ErrorResult(started.Error);
            }

            var chunks = CompletionChunksAsync(started.Value, id, created, offsets, request.Logprobs is not null, request.StreamOptions?.IncludeUsage == true, http, cancellationToken);
            return OpenAiGenerationSupport.Stream(chunks, json.Value.SerializerOptions);
        }

        var answered = http.Report(await gateway.CompleteAsync(start, cancellationToken));
        if (!answered.IsSuccess)
        {
            return new ErrorResult(answered.Error);
        }

        var answer = answered.Value;
        var choices = answer.Outcomes.Select((done, i) => new OpenAiCompletionChoice(
            i, done.Text, done.FinishReason.ToOpenAiName(), done.Tokens is { } tokens ? Logprobs(tokens, ref offsets[i]) : null)).ToArray();
        return TypedResults.Ok(new OpenAiCompletion(id, created, answer.Model.Name, choices, answer.Usage));
    }

    private static async IAsyncEnumerable<object> CompletionChunksAsync(
        GenerationBatch batch, string id, long created, int[] offsets, bool logprobs, bool includeUsage, HttpContext http, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var outcomes = new GenerationOutcome[batch.Sequences.Count];
        await foreach (var step in batch.StreamAsync(cancellationToken))
        {
            if (step.Error is { } error)
            {
                yield return ErrorResult.Body(http, error);
                yield break;
            }

            var choice = step.Token is { } token
                ? new OpenAiCompletionChoice(step.Choice, token.Text, null, logprobs ? Logprobs([token], ref offsets[step.Choice]) : null)
                : new OpenAiCompletionChoice(step.Choice, string.Empty, step.Outcome!.FinishReason.ToOpenAiName(), null);
            outcomes[step.Choice] = step.Outcome ?? outcomes[step.Choice];
            yield return new OpenAiCompletion(id, created, batch.Model.Name, [choice], null);
        }

        if (includeUsage)
        {
            yield return new OpenAiCompletion(id, created, batch.Model.Name, [], batch.Usage(outcomes));
        }
    }

    /// <summary>OpenAI's legacy logprobs for these tokens; <paramref name="offset"/> is where the first one starts in prompt + completion, and moves past them.</summary>
    private static OpenAiCompletionLogprobs Logprobs(IReadOnlyList<GeneratedToken> tokens, ref int offset)
    {
        var offsets = new int[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            offsets[i] = offset;
            offset += tokens[i].Text.Length;
        }

        return new OpenAiCompletionLogprobs(tokens.Select(t => t.Text).ToArray(), tokens.Select(t => t.Logprob).ToArray(), null, offsets);
    }

    private static async Task<IResult> ChatCompletionsAsync(
        OpenAiChatRequest request, GenerationGateway gateway, IOptions<JsonOptions> json, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var turns = ChatMessagesValidator.Validate(request.Messages);
        if (!turns.IsSuccess)
        {
            return new ErrorResult(turns.Error!);
        }

        if (OpenAiGenerationSupport.CheckN(request.N) is { } badN)
        {
            return new ErrorResult(badN);
        }

        var stops = request.Stop?.Items ?? [];
        var maxStops = SamplingLimits.DefaultMaxStopSequences - SimpleChatTemplate.StopSequences.Count;
        if (stops.Count > maxStops)
        {
            return new ErrorResult(InferenceError.Invalid("stop",
                $"`stop` supports up to {maxStops} stop sequences in chat (the chat template uses the others). Given: {stops.Count}", maxStops, stops.Count));
        }

        // Newer clients send max_completion_tokens, older ones max_tokens; errors name the one that was sent.
        var maxTokensField = request.MaxCompletionTokens is not null ? "max_completion_tokens" : "max_tokens";
        var sampling = OpenAiGenerationSupport.Sampling(
            request.Temperature, request.TopP, request.Seed, request.MaxCompletionTokens ?? request.MaxTokens, stops, logprobs: false);
        var n = request.N ?? 1;
        var prompt = SimpleChatTemplate.Render(turns.Value!);
        var start = new GenerationStart(request.Model, null, [prompt], sampling, n, "messages", maxTokensField, turns.Value) { Tokens = http.TokenQuota() };
        var id = OpenAiGenerationSupport.NewId("chatcmpl-");
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream == true)
        {
            var started = await GenerationEndpoints.StartStreamAsync(gateway, start, http, cancellationToken);
            if (!started.IsSuccess)
            {
                return new ErrorResult(started.Error);
            }

            var chunks = ChatChunksAsync(started.Value, id, created, request.StreamOptions?.IncludeUsage == true, http, cancellationToken);
            return OpenAiGenerationSupport.Stream(chunks, json.Value.SerializerOptions);
        }

        var answered = http.Report(await gateway.CompleteAsync(start, cancellationToken));
        if (!answered.IsSuccess)
        {
            return new ErrorResult(answered.Error);
        }

        var answer = answered.Value;
        var choices = answer.Outcomes.Select((done, i) => new OpenAiChatChoice(i, new OpenAiChatDelta("assistant", done.Text.TrimStart()), done.FinishReason.ToOpenAiName())).ToArray();
        return TypedResults.Ok(new OpenAiChatCompletion(id, created, answer.Model.Name, choices, answer.Usage));
    }

    private static async IAsyncEnumerable<object> ChatChunksAsync(
        GenerationBatch batch, string id, long created, bool includeUsage, HttpContext http, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The role comes first, alone, as OpenAI sends it.
        for (var i = 0; i < batch.Sequences.Count; i++)
        {
            yield return new OpenAiChatChunk(id, created, batch.Model.Name, [new OpenAiChatChunkChoice(i, new OpenAiChatDelta("assistant", string.Empty), null)], null);
        }

        var outcomes = new GenerationOutcome[batch.Sequences.Count];
        var trimmer = batch.Sequences.Select(_ => new LeadingSpaceTrimmer()).ToArray();
        await foreach (var step in batch.StreamAsync(cancellationToken))
        {
            if (step.Error is { } error)
            {
                yield return ErrorResult.Body(http, error);
                yield break;
            }

            if (step.Token is { } token)
            {
                var text = trimmer[step.Choice].Next(token.Text);
                if (text.Length > 0)
                {
                    yield return new OpenAiChatChunk(id, created, batch.Model.Name, [new OpenAiChatChunkChoice(step.Choice, new OpenAiChatDelta(null, text), null)], null);
                }

                continue;
            }

            outcomes[step.Choice] = step.Outcome!;
            yield return new OpenAiChatChunk(id, created, batch.Model.Name, [new OpenAiChatChunkChoice(step.Choice, new OpenAiChatDelta(null, null), step.Outcome!.FinishReason.ToOpenAiName())], null);
        }

        if (includeUsage)
        {
            yield return new OpenAiChatChunk(id, created, batch.Model.Name, [], batch.Usage(outcomes));
        }
    }

    /// <summary>
    /// The simple template ends with "Assistant:" and a SentencePiece answer's first token carries its "▁", so answers
    /// start with a space; drop leading whitespace of a streamed answer as of a whole one.
    /// </summary>
    private sealed class LeadingSpaceTrimmer
    {
        private bool _started;

        public string Next(string piece)
        {
            if (_started)
            {
                return piece;
            }

            var text = piece.TrimStart();
            _started = text.Length > 0;
            return text;
        }
    }
}
