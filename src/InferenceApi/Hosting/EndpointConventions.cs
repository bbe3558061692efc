using InferenceApi.Contracts;
using InferenceApi.Contracts.KServe;
using InferenceApi.Errors;
using Microsoft.AspNetCore.Mvc;

namespace InferenceApi.Hosting;

/// <summary>Route conventions shared by the API endpoints.</summary>
public static class EndpointConventions
{
    private static readonly int[] ErrorStatuses = [400, 404, 413, 422, 429, 503, 504];

    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, object example) =>
        builder.WithMetadata(new RequestExample(example));

    /// <summary>Pre-fills a route parameter in Swagger UI; on a group it applies to every route that has the parameter.</summary>
    public static TBuilder WithRouteExample<TBuilder>(this TBuilder builder, string parameter, string value)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RouteExample(parameter, value));

    /// <summary>Documents the error answers an inference endpoint can give, in the shape of its route group's <see cref="ErrorFamily"/>.</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder)
    {
        // Finally: the group's family is known only once every convention, the group's included, has run.
        builder.Finally(endpoint =>
        {
            var family = endpoint.Metadata.OfType<ErrorFamilyMetadata>().LastOrDefault()?.Documented ?? ErrorFamily.ProblemDetails;
            var (type, contentType) = family switch
            {
                ErrorFamily.KServe => (typeof(KServeErrorResponse), "application/json"),
                ErrorFamily.OpenAi => (typeof(OpenAiErrorResponse), "application/json"),
                _ => (typeof(ProblemDetails), "application/problem+json"),
            };
            foreach (var status in ErrorStatuses)
            {
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, type, [contentType]));
            }
        });
        return builder;
    }
}
