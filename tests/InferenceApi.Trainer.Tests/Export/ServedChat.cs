using System.Text.Json;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>
/// One conversation an end-to-end chat test sends, from tests/fixtures/chat-templates/references.json ("served"): the
/// messages, and the ids of the chat template's rendering as the reference tokenizer makes them (made by
/// tests/reference/chat-template-references.mjs with @huggingface/jinja and the Rust tokenizers library).
/// </summary>
public sealed record ServedChat(string Conversation, JsonElement Messages, int[] PromptIds)
{
    public static IReadOnlyList<ServedChat> Load(string model)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "tests", "fixtures", "chat-templates", "references.json")));
        var conversations = document.RootElement.GetProperty("conversations");
        return [.. document.RootElement.GetProperty("served").EnumerateArray()
            .Where(served => served.GetProperty("model").GetString() == model)
            .Select(served => (Name: served.GetProperty("conversation").GetString()!, Ids: served.GetProperty("ids")))
            .Select(served => new ServedChat(served.Name, conversations.GetProperty(served.Name).Clone(), [.. served.Ids.EnumerateArray().Select(i => i.GetInt32())]))];
    }
}
