using System.Text.Json;
using System.Text.Json.Serialization;

namespace InferenceApi.Contracts;

/// <summary>
/// <c>inputs</c> as clients send it: one string or an array of strings. Anything else is a 400 that
/// says so, rather than the serializer's generic message.
/// </summary>
[JsonConverter(typeof(TextInputsConverter))]
public sealed class TextInputs(IReadOnlyList<string> items, bool isSingle)
{
    public IReadOnlyList<string> Items { get; } = items;

    /// <summary>True when the client sent a bare string; responses still come as a one-item list.</summary>
    public bool IsSingle { get; } = isSingle;

    private sealed class TextInputsConverter : JsonConverter<TextInputs>
    {
        public override TextInputs Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                return new TextInputs([reader.GetString()!], isSingle: true);
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException($"must be a string or an array of strings, not {Describe(reader.TokenType)}");
            }

            var items = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new JsonException($"item {items.Count} must be a string, not {Describe(reader.TokenType)}");
                }

                items.Add(reader.GetString()!);
            }

            return new TextInputs(items, isSingle: false);
        }

        public override void Write(Utf8JsonWriter writer, TextInputs value, JsonSerializerOptions options)
        {
            if (value.IsSingle)
            {
                writer.WriteStringValue(value.Items[0]);
                return;
            }

            writer.WriteStartArray();
            foreach (var item in value.Items)
            {
                writer.WriteStringValue(item);
            }

            writer.WriteEndArray();
        }

        private static string Describe(JsonTokenType token) => token switch
        {
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            JsonTokenType.Null => "null",
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            _ => token.ToString(),
        };
    }
}
