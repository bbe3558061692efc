namespace InferenceApi.Hosting;

/// <summary>Endpoint metadata: a value Swagger UI pre-fills for one route parameter.</summary>
public sealed record RouteExample(string Parameter, string Value);
