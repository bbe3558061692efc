namespace InferenceApi.Hosting;

/// <summary>The OpenAPI document and Swagger UI (section <c>Api:Swagger</c>).</summary>
public sealed class SwaggerOptions
{
    public const string Section = "Api:Swagger";

    /// <summary>
    /// Whether <c>/swagger</c> serves the UI and its document. Default <c>true</c>: every endpoint with an example,
    /// "Try it out" with a key. Off (404) for a server that should not describe itself to whoever reaches it.
    /// </summary>
    public bool Enabled { get; set; } = true;
}
