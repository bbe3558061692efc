using InferenceApi.Contracts;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Errors;
using InferenceApi.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace InferenceApi.Tests.Errors;

/// <summary>The body one error gets in each route family, as a response and as an SSE error event alike.</summary>
public sealed class ErrorResultTests
{
    private static readonly InferenceError TopK = InferenceError.Invalid("top_k", "`top_k` must be between 1 and 3 (the model's label count). Given: 9", limit: 3, received: 9);

    [Fact]
    public void Body_RouteWithoutAFamily_IsProblemDetailsWithOurExtensions()
    {
        var problem = Assert.IsType<ProblemDetails>(ErrorResult.Body(Request("/v1/classify"), TopK));

        Assert.Equal(400, problem.Status);
        Assert.Equal("Invalid request", problem.Title);
        Assert.Equal(TopK.Message, problem.Detail);
        Assert.Equal("/v1/classify", problem.Instance);
        Assert.Equal("validation", problem.Extensions["errorType"]);
        Assert.Equal("top_k", problem.Extensions["field"]);
        Assert.Equal(3, problem.Extensions["limit"]);
        Assert.Equal(9, problem.Extensions["received"]);
    }

    [Fact]
    public void Body_KServeRoute_IsTheMessageOnly()
    {
        var body = Assert.IsType<KServeErrorResponse>(ErrorResult.Body(Request("/v2/models/m/infer", ErrorFamily.KServe), TopK));

        Assert.Equal(TopK.Message, body.Error);
    }

    [Fact]
    public void Body_UnmatchedPathUnderV2_IsKServes()
    {
        Assert.IsType<KServeErrorResponse>(ErrorResult.Body(Request("/v2/no-such-thing"), TopK));
    }

    [Fact]
    public void Body_OpenAiRoute_IsOpenAisErrorObjectWithTheFieldAsParam()
    {
        var body = Assert.IsType<OpenAiErrorResponse>(ErrorResult.Body(Request("/v1/chat/completions", ErrorFamily.OpenAi), TopK));

        Assert.Equal(new OpenAiError(TopK.Message, "invalid_request_error", "top_k", "validation"), body.Error);
    }

    [Theory]
    [InlineData("OpenAI/2.15.0 (.NET 10.0; Linux)", null, true)]
    [InlineData("Mozilla/5.0", "python", true)]
    [InlineData("curl/8.0", null, false)]
    public void Body_SharedModelsRoute_IsOpenAisOnlyForOpenAisSdks(string userAgent, string? stainless, bool openAi)
    {
        var context = Request("/v1/models/nope", endpoint: Route("/v1/models/{name}", ModelsMetadata()));
        context.Request.Headers.UserAgent = userAgent;
        if (stainless is not null)
        {
            context.Request.Headers["X-Stainless-Lang"] = stainless;
        }

        var body = ErrorResult.Body(context, InferenceError.ModelNotFound("nope"));

        Assert.Equal(openAi, body is OpenAiErrorResponse);
    }

    private static ErrorFamilyMetadata ModelsMetadata()
    {
        var builder = new RouteHandlerBuilderProbe();
        builder.WithOpenAiErrorsForOpenAiClients();
        return builder.Metadata.OfType<ErrorFamilyMetadata>().Single();
    }

    private static DefaultHttpContext Request(string path, ErrorFamily? family = null, Endpoint? endpoint = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        endpoint ??= family is { } declared ? Route(path, new ErrorFamilyMetadata(declared)) : null;
        context.SetEndpoint(endpoint);
        return context;
    }

    private static RouteEndpoint Route(string pattern, ErrorFamilyMetadata family) =>
        new(_ => Task.CompletedTask, Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(pattern), 0, new EndpointMetadataCollection(family), pattern);

    /// <summary>Collects what a convention adds, as a route group would.</summary>
    private sealed class RouteHandlerBuilderProbe : IEndpointConventionBuilder
    {
        public List<object> Metadata { get; } = [];

        public void Add(Action<EndpointBuilder> convention)
        {
            var builder = new RouteEndpointBuilder(null, Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse("/"), 0);
            convention(builder);
            Metadata.AddRange(builder.Metadata);
        }
    }
}
