using Microsoft.AspNetCore.Mvc;

namespace InferenceApi.Hosting;

/// <summary>Route conventions shared by the API endpoints.</summary>
public static class EndpointConventions
{
    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, object example) =>
        builder.WithMetadata(new RequestExample(example));

    /// <summary>Documents the problem-details answers every inference endpoint can give.</summary>
    public static RouteHandlerBuilder ProducesInferenceProblems(this RouteHandlerBuilder builder)
    {
        int[] statuses = [400, 404, 413, 422, 429, 503, 504];
        foreach (var status in statuses)
        {
            builder.Produces<ProblemDetails>(status, "application/problem+json");
        }

        return builder;
    }
}
