using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>Reads content given as a string or as an array of parts, and writes it back in the same form.</summary>
internal sealed class OpenAiContentConverter : JsonConverter<OpenAiContent>
{
    public override OpenAiContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return new OpenAiContent { Text = reader.GetString() };
            case JsonTokenType.StartArray:
                var parts = new List<OpenAiContentPart>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    parts.Add(JsonSerializer.Deserialize(ref reader, OpenAiJsonContext.Default.OpenAiContentPart)
                        ?? throw new JsonException("A content part is null."));
                }

                return new OpenAiContent { Parts = parts };
            default:
                throw new JsonException($"'content' must be a string, an array of parts or null, not {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, OpenAiContent value, JsonSerializerOptions options)
    {
        if (value.Parts is null)
        {
            writer.WriteStringValue(value.Text);
            return;
        }

        writer.WriteStartArray();
        foreach (var part in value.Parts)
        {
            JsonSerializer.Serialize(writer, part, OpenAiJsonContext.Default.OpenAiContentPart);
        }

        writer.WriteEndArray();
    }
}
