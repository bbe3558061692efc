using System.Text;

namespace InferenceApi.Core.Generation;

/// <summary>
/// The chat template for models that have none: "System: …\nUser: …\nAssistant: …\nAssistant:", with a stop on the
/// next "\nUser:" so the model does not write the user's turn too. It is also used for models whose
/// tokenizer_config.json has a Jinja <c>chat_template</c>: those templates are not rendered yet.
/// </summary>
public static class SimpleChatTemplate
{
    /// <summary>Stop sequences the template adds to every chat request.</summary>
    public static IReadOnlyList<string> StopSequences { get; } = ["\nUser:"];

    public static string Render(IReadOnlyList<ChatTurn> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var prompt = new StringBuilder();
        foreach (var turn in turns)
        {
            prompt.Append(Speaker(turn.Role)).Append(": ").Append(turn.Content.Trim()).Append('\n');
        }

        return prompt.Append("Assistant:").ToString();
    }

    private static string Speaker(string role) => role switch
    {
        "system" => "System",
        "user" => "User",
        "assistant" => "Assistant",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Roles are validated before rendering."),
    };
}
