using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.FakeProvider.Brain;

/// <summary>
/// A chat request normalized from any provider's wire format, so one <see cref="FakeBrain"/> answers them all and tests
/// can check what the provider received independently of the format.
/// </summary>
public sealed class FakeConversation
{
    /// <summary>Gets or sets the wire format it came in (<c>openai</c>, <c>anthropic</c>, <c>gemini</c>, <c>ollama</c>, <c>cohere</c>).</summary>
    public string Format { get; set; } = string.Empty;

    /// <summary>Gets or sets the model asked for.</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>Gets or sets the system prompt, wherever the format puts it.</summary>
    public string? System { get; set; }

    /// <summary>Gets the messages, oldest first.</summary>
    public List<FakeMessage> Messages { get; } = new();

    /// <summary>Gets the tools offered.</summary>
    public List<FakeTool> Tools { get; } = new();

    /// <summary>Gets or sets whether tool calls are forbidden (tool choice "none").</summary>
    public bool ToolsForbidden { get; set; }

    /// <summary>Gets or sets whether the answer is streamed.</summary>
    public bool Stream { get; set; }

    /// <summary>Gets or sets the output token limit asked for.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>
    /// Gets or sets the JSON Schema the answer must match when structured output was asked for (an empty object for "any
    /// JSON object"), however the format asks for it; <see langword="null"/> for text.
    /// </summary>
    public JsonNode? OutputSchema { get; set; }

    /// <summary>Gets or sets the request body as sent, for assertions on format-specific fields.</summary>
    public JsonNode? Body { get; set; }
}
