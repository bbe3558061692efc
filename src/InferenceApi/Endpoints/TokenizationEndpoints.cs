using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Core.Tokenization;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using InferenceApi.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceApi.Endpoints;

/// <summary><c>POST /v1/tokenize</c> and <c>POST /v1/detokenize</c> with any text model's own tokenizer.</summary>
public static class TokenizationEndpoints
{
    public static IEndpointRouteBuilder MapTokenizationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Tokenization");
        group.MapPost("/tokenize", Tokenize)
            .WithName("Tokenize")
            .WithSummary("Split texts into the model's tokens, with ids, special-token flags and character offsets.")
            .Accepts<TokenizeRequest>("application/json")
            .WithRequestExample(new TokenizeRequest(ExampleModels.Classifier, new TextInputs(["Hello, world!"], false), false, null))
            .ProducesErrors();
        group.MapPost("/detokenize", Detokenize)
            .WithName("Detokenize")
            .WithSummary("Turn lists of token ids back into text.")
            .Accepts<DetokenizeRequest>("application/json")
            .WithRequestExample(new DetokenizeRequest(ExampleModels.Classifier, [[2, 2014, 1086, 16, 1094, 5, 3]], true, null))
            .ProducesErrors();
        return app;
    }

    private static Results<Ok<TokenizeResponse>, ErrorResult> Tokenize(TokenizeRequest request, RequestValidator validator, ModelRepository repository, HttpContext http)
    {
        var model = validator.Model(request.Model, request.Version);
        if (!model.IsSuccess)
        {
            return new ErrorResult(model.Error);
        }

        var texts = validator.Texts(request.Inputs, "inputs");
        if (!texts.IsSuccess)
        {
            return new ErrorResult(texts.Error);
        }

        var lease = AcquireText(repository, model.Value, http);
        if (!lease.IsSuccess)
        {
            return new ErrorResult(lease.Error);
        }

        using (lease.Value)
        {
            var runtime = lease.Value.Runtime;
            var max = runtime.Description.MaxSequenceLength;
            var truncate = request.Truncate ?? false;
            var tokens = new IReadOnlyList<TokenDetail>[texts.Value.Count];
            for (var i = 0; i < tokens.Length; i++)
            {
                tokens[i] = runtime.Tokenizer.Describe(texts.Value[i], max, truncate);
            }

            return TypedResults.Ok(new TokenizeResponse(lease.Value.Model.Name, lease.Value.Model.Version, tokens));
        }
    }

    private static Results<Ok<DetokenizeResponse>, ErrorResult> Detokenize(DetokenizeRequest request, RequestValidator validator, ModelRepository repository, HttpContext http)
    {
        var model = validator.Model(request.Model, request.Version);
        if (!model.IsSuccess)
        {
            return new ErrorResult(model.Error);
        }

        if (request.Ids is not { Count: > 0 } lists)
        {
            return new ErrorResult(InferenceError.Invalid("ids", "`ids` is required: an array of arrays of token ids."));
        }

        var total = lists.Sum(l => l?.Count ?? 0);
        var limit = validator.Limits.MaxDetokenizeIds;
        if (lists.Count > validator.Limits.MaxInputsPerRequest || total > limit)
        {
            return new ErrorResult(InferenceError.Invalid(
                "ids", $"`ids` has {lists.Count} lists and {total} ids; at most {validator.Limits.MaxInputsPerRequest} lists and {limit} ids are allowed.", limit, total));
        }

        var lease = AcquireText(repository, model.Value, http);
        if (!lease.IsSuccess)
        {
            return new ErrorResult(lease.Error);
        }

        using (lease.Value)
        {
            var tokenizer = lease.Value.Runtime.Tokenizer;
            var texts = new string[lists.Count];
            for (var i = 0; i < lists.Count; i++)
            {
                var ids = lists[i] ?? [];
                for (var j = 0; j < ids.Count; j++)
                {
                    if (ids[j] < 0 || ids[j] >= tokenizer.VocabularySize)
                    {
                        return new ErrorResult(InferenceError.Invalid(
                            $"ids[{i}][{j}]", $"`ids[{i}][{j}]` must be a token id between 0 and {tokenizer.VocabularySize - 1}. Given: {ids[j]}", tokenizer.VocabularySize - 1, ids[j]));
                    }
                }

                texts[i] = tokenizer.Decode(ids, request.SkipSpecialTokens ?? true);
            }

            return TypedResults.Ok(new DetokenizeResponse(lease.Value.Model.Name, lease.Value.Model.Version, texts));
        }
    }

    private static Result<ModelLease<ITextModelRuntime>> AcquireText(ModelRepository repository, ModelSelector selector, HttpContext http)
    {
        var lease = repository.Acquire<ITextModelRuntime>(selector.Name, selector.Version);
        if (lease.IsSuccess)
        {
            http.Tag(lease.Value.Model);
        }

        return lease;
    }
}
