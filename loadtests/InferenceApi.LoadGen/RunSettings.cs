using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen;

/// <summary>
/// One `run`: target, scenario, mode and profile. In open mode profile levels are requests per second; in closed
/// mode, clients. <see cref="Inputs"/> is the texts (classify, embed) or prompts (generate) file; <see cref="Images"/> a folder.
/// </summary>
public sealed record RunSettings(Uri Url, string Scenario, string Mode, LoadProfile Profile)
{
    public string? Model { get; init; }

    public TimeSpan Warmup { get; init; }

    public string? Inputs { get; init; }

    public string? Images { get; init; }

    public int Batch { get; init; } = 1;

    public int MaxNewTokens { get; init; } = 64;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Open loop: sends due while this many are outstanding are dropped and counted as errors.</summary>
    public int MaxInFlight { get; init; } = 10_000;

    /// <summary>Send <c>Cache-Control: no-cache</c> with every request, so the server runs the model instead of answering from its result cache.</summary>
    public bool NoCache { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> with every request when set (servers with <c>Auth:Keys</c>).</summary>
    public string? ApiKey { get; init; }

    /// <summary>The environment variable <c>run --api-key</c> defaults to.</summary>
    public const string ApiKeyVariable = "INFERENCEAPI_KEY";

    /// <summary>Path for the `get` scenario.</summary>
    public string Path { get; init; } = "/health/ready";

    public static readonly IReadOnlyList<string> Scenarios = ["classify", "embed", "image", "generate", "get"];

    public static readonly IReadOnlyList<string> Modes = ["open", "closed"];
}
