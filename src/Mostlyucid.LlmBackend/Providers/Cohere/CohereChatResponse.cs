using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>The body of a non-streamed <c>POST /v2/chat</c> answer (logprobs and citations are not read).</summary>
internal sealed class CohereChatResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    /// <summary>Gets or sets <c>COMPLETE</c>, <c>STOP_SEQUENCE</c>, <c>MAX_TOKENS</c>, <c>TOOL_CALL</c>, <c>ERROR</c> or <c>TIMEOUT</c>.</summary>
    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; set; }

    [JsonPropertyName("message")]
    public CohereMessage? Message { get; set; }

    [JsonPropertyName("usage")]
    public CohereUsage? Usage { get; set; }
}
