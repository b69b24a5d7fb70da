using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>A stream event's <c>delta</c>: a piece of the message, or on <c>message-end</c> the finish reason, usage and any error.</summary>
internal sealed class CohereStreamDelta
{
    [JsonPropertyName("message")]
    public CohereMessage? Message { get; set; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; set; }

    [JsonPropertyName("usage")]
    public CohereUsage? Usage { get; set; }

    /// <summary>Gets or sets an error that ended the generation.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; set; }
}
