using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>Reads <c>tool_calls</c> given as an array or (in stream events) as one object; writes an array.</summary>
internal sealed class CohereToolCallListConverter : JsonConverter<List<CohereToolCall>>
{
    public override List<CohereToolCall>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartObject:
                return new List<CohereToolCall> { ReadCall(ref reader) };
            case JsonTokenType.StartArray:
                var calls = new List<CohereToolCall>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    calls.Add(ReadCall(ref reader));
                }

                return calls;
            default:
                throw new JsonException($"'tool_calls' must be a tool call or an array of them, not {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, List<CohereToolCall> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var call in value)
        {
            JsonSerializer.Serialize(writer, call, CohereJsonContext.Default.CohereToolCall);
        }

        writer.WriteEndArray();
    }

    private static CohereToolCall ReadCall(ref Utf8JsonReader reader) =>
        JsonSerializer.Deserialize(ref reader, CohereJsonContext.Default.CohereToolCall) ?? throw new JsonException("A tool call is null.");
}
