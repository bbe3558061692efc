using InferenceApi.LoadGen.Timing;

namespace InferenceApi.LoadGen.Scenarios;

/// <summary>Builds the sender for a scenario name; errors name the option to fix.</summary>
public static class ScenarioFactory
{
    private static readonly string[] SampleTexts =
    [
        "The service was quick and the answer was right.",
        "I waited an hour and nobody called me back.",
        "Shipping took three days, which is what they promised.",
        "This is the worst update the app has ever had.",
    ];

    public static IRequestSender Create(RunSettings settings, HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Scenario switch
        {
            "classify" => new TextScenario(client, "/v1/classify", settings.Model, Lines(settings.Inputs), settings.Batch),
            "embed" => new TextScenario(client, "/v1/embed", settings.Model, Lines(settings.Inputs), settings.Batch),
            "image" => new ImageScenario(client, settings.Model, settings.Images ?? throw new ArgumentException("The image scenario needs --images FOLDER.")),
            "generate" => new GenerateScenario(client, settings.Model, Lines(settings.Inputs), settings.MaxNewTokens),
            "get" => new GetScenario(client, settings.Path),
            _ => throw new ArgumentException($"Unknown --scenario '{settings.Scenario}'; use one of {string.Join(", ", RunSettings.Scenarios)}."),
        };
    }

    /// <summary>Non-empty lines of the --texts file, or a few built-in sentences when none is given.</summary>
    private static IReadOnlyList<string> Lines(string? path) => path is null
        ? SampleTexts
        : File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
}
