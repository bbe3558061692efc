namespace InferenceApi.Hosting;

/// <summary>Endpoint metadata: a sample body that Swagger UI shows and pre-fills.</summary>
public sealed record RequestExample(object Value);
