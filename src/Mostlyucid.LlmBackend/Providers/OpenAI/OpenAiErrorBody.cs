using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>The inside of an OpenAI error body. <c>code</c> is a string on OpenAI and a number on some compatible servers.</summary>
internal sealed class OpenAiErrorBody
{
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("param")]
    public JsonElement Param { get; init; }

    [JsonPropertyName("code")]
    public JsonElement Code { get; init; }

    public string? CodeText => Code.ValueKind switch
    {
        JsonValueKind.String => Code.GetString(),
        JsonValueKind.Number => Code.GetRawText(),
        _ => null,
    };
}
