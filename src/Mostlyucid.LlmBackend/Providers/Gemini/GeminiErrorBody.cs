using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>The inside of a Google error: the HTTP code, a message, the RPC status name and typed details.</summary>
internal sealed class GeminiErrorBody
{
    [JsonPropertyName("code")]
    public int? Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("details")]
    public List<GeminiErrorDetail>? Details { get; set; }
}
