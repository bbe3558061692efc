namespace InferenceApi.Access;

/// <summary>The Prometheus endpoint (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// <c>public</c>, <c>admin</c> or <c>off</c>. Default <c>public</c>: scrapers need no key, but anyone reaching the port
    /// sees per-model and per-key-name traffic. <c>admin</c> needs a key with the admin scope, which the scraper must hold.
    /// </summary>
    public MetricsExposure Exposure { get; set; } = MetricsExposure.Public;
}
