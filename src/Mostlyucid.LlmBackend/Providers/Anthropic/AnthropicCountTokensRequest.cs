using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>The body of <c>POST /v1/messages/count_tokens</c>: a Messages request without the generation options.</summary>
internal sealed class AnthropicCountTokensRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("system")]
    public JsonElement? System { get; set; }

    [JsonPropertyName("messages")]
    public List<AnthropicMessage>? Messages { get; set; }

    [JsonPropertyName("tools")]
    public List<AnthropicTool>? Tools { get; set; }

    [JsonPropertyName("tool_choice")]
    public AnthropicToolChoice? ToolChoice { get; set; }

    [JsonPropertyName("thinking")]
    public AnthropicThinking? Thinking { get; set; }

    /// <summary>Builds the counting body from the Messages body the same request would be sent as.</summary>
    public static AnthropicCountTokensRequest From(AnthropicMessagesRequest messages) => new()
    {
        Model = messages.Model,
        System = messages.System,
        Messages = messages.Messages,
        Tools = messages.Tools,
        ToolChoice = messages.ToolChoice,
        Thinking = messages.Thinking,
    };
}
