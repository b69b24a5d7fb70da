using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>Reads content given as a string, an array of parts or (in stream deltas) one part; writes a string or an array.</summary>
internal sealed class CohereContentConverter : JsonConverter<CohereContent>
{
    public override CohereContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return new CohereContent { Text = reader.GetString() };
            case JsonTokenType.StartObject:
                return new CohereContent { Parts = new List<CohereContentPart> { ReadPart(ref reader) } };
            case JsonTokenType.StartArray:
                var parts = new List<CohereContentPart>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    parts.Add(ReadPart(ref reader));
                }

                return new CohereContent { Parts = parts };
            default:
                throw new JsonException($"'content' must be a string, a part or an array of parts, not {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, CohereContent value, JsonSerializerOptions options)
    {
        if (value.Parts is null)
        {
            writer.WriteStringValue(value.Text);
            return;
        }

        writer.WriteStartArray();
        foreach (var part in value.Parts)
        {
            JsonSerializer.Serialize(writer, part, CohereJsonContext.Default.CohereContentPart);
        }

        writer.WriteEndArray();
    }

    private static CohereContentPart ReadPart(ref Utf8JsonReader reader) =>
        JsonSerializer.Deserialize(ref reader, CohereJsonContext.Default.CohereContentPart) ?? throw new JsonException("A content part is null.");
}
