using System.Text;
using System.Text.Json;
using InferenceApi.Contracts;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;

namespace InferenceApi.Validation;

/// <summary>
/// Turns OpenAI chat <c>messages</c> into validated <see cref="ChatTurn"/>s. Content is a string or an array of
/// <c>{"type": "text", "text": …}</c> parts (joined); errors name the message and part (<c>messages[2].content[0]</c>).
/// </summary>
public static class ChatMessagesValidator
{
    public static Result<IReadOnlyList<ChatTurn>> Validate(IReadOnlyList<OpenAiChatMessage>? messages)
    {
        if (messages is null || messages.Count == 0)
        {
            return InferenceError.Invalid("messages", "`messages` is required and must hold at least one message.", 1, messages?.Count ?? 0);
        }

        var turns = new ChatTurn[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message is null)
            {
                return InferenceError.Invalid($"messages[{i}]", $"`messages[{i}]` must be an object with `role` and `content`.");
            }

            // "developer" is what newer OpenAI clients send for system instructions.
            var role = message.Role switch
            {
                "system" or "developer" => "system",
                "user" or "assistant" => message.Role,
                _ => null,
            };
            if (role is null)
            {
                return InferenceError.Invalid($"messages[{i}].role",
                    $"`messages[{i}].role` must be \"system\", \"developer\", \"user\" or \"assistant\". Given: {(message.Role is null ? "nothing" : $"\"{message.Role}\"")}",
                    received: message.Role);
            }

            var content = Content(message.Content, $"messages[{i}].content");
            if (!content.IsSuccess)
            {
                return content.Error!;
            }

            turns[i] = new ChatTurn(role, content.Value!);
        }

        return turns;
    }

    private static Result<string> Content(JsonElement? content, string field)
    {
        switch (content?.ValueKind)
        {
            case JsonValueKind.String:
                return JsonText.TryGetString(content.Value, out var whole) ? whole : JsonText.NotText(field);
            case JsonValueKind.Array:
                var text = new StringBuilder();
                var index = 0;
                foreach (var part in content.Value.EnumerateArray())
                {
                    if (part.ValueKind != JsonValueKind.Object
                        || !part.TryGetProperty("type", out var type) || !JsonText.TryGetString(type, out var typeName) || typeName != "text"
                        || !part.TryGetProperty("text", out var piece) || piece.ValueKind != JsonValueKind.String)
                    {
                        return InferenceError.Invalid($"{field}[{index}]", $"`{field}[{index}]` must be a text part {{\"type\": \"text\", \"text\": \"…\"}}; other parts are not supported.");
                    }

                    if (!JsonText.TryGetString(piece, out var pieceText))
                    {
                        return JsonText.NotText($"{field}[{index}].text");
                    }

                    text.Append(pieceText);
                    index++;
                }

                return text.ToString();
            default:
                return InferenceError.Invalid(field, $"`{field}` must be a string or an array of text parts. Given: {(content is null ? "nothing" : content.Value.ValueKind.ToString().ToLowerInvariant())}");
        }
    }
}
