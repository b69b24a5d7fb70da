using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Gemini;

/// <summary>
/// One entry of an error's <c>details</c>, identified by <c>@type</c>: <c>google.rpc.ErrorInfo</c> carries a
/// <see cref="Reason"/> (for example <c>API_KEY_INVALID</c>), <c>google.rpc.RetryInfo</c> a <see cref="RetryDelay"/>
/// (a duration such as <c>"41s"</c>).
/// </summary>
internal sealed class GeminiErrorDetail
{
    [JsonPropertyName("@type")]
    public string? Type { get; set; }

    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    [JsonPropertyName("retryDelay")]
    public string? RetryDelay { get; set; }
}
