using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>The inside of an OpenAI error body. <c>code</c> is a string on OpenAI and a number on some compatible servers.</summary>
internal sealed class OpenAiErrorBody
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("param")]
    public JsonElement? Param { get; set; }

    [JsonPropertyName("code")]
    public JsonElement? Code { get; set; }

    [JsonIgnore]
    public string? CodeText => Code?.ValueKind switch
    {
        JsonValueKind.String => Code.Value.GetString(),
        JsonValueKind.Number => Code.Value.GetRawText(),
        _ => null,
    };
}
