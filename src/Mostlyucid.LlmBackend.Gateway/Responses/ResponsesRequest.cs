using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// A <c>POST /v1/responses</c> request as read and checked: the pipeline's <see cref="ChatRequest"/> (its messages come
/// from the input items once references are resolved), the items themselves, and the settings a Response object echoes
/// back in the form OpenAI does.
/// </summary>
internal sealed class ResponsesRequest
{
    /// <summary>Gets the request for the pipeline: parameters now, messages once the input is resolved.</summary>
    public required ChatRequest Chat { get; init; }

    /// <summary>Gets the model asked for.</summary>
    public required string Model { get; init; }

    /// <summary>Gets whether the answer is streamed as Responses events.</summary>
    public bool Stream { get; init; }

    /// <summary>Gets whether the response is stored for later reference. <value>OpenAI's default is <see langword="true"/>.</value></summary>
    public bool Store { get; init; } = true;

    /// <summary>Gets the response this one continues, if any.</summary>
    public string? PreviousResponseId { get; init; }

    /// <summary>Gets the system instructions (not carried over to a later response by <c>previous_response_id</c>).</summary>
    public string? Instructions { get; init; }

    /// <summary>Gets the input items as sent (a string input becomes one user message item); references are still references.</summary>
    public required JsonArray Input { get; init; }

    /// <summary>Gets the function tools, as the Response object lists them.</summary>
    public required JsonArray Tools { get; init; }

    /// <summary>Gets <c>tool_choice</c> as the Response object shows it.</summary>
    public required JsonNode ToolChoice { get; init; }

    /// <summary>Gets the <c>text</c> configuration as the Response object shows it.</summary>
    public required JsonObject Text { get; init; }

    /// <summary>Gets the <c>reasoning</c> configuration as the Response object shows it.</summary>
    public required JsonObject Reasoning { get; init; }

    /// <summary>Gets the metadata to echo (string values only).</summary>
    public required JsonObject Metadata { get; init; }

    /// <summary>Gets the output token limit asked for.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Gets the tool call limit asked for (echoed; the gateway makes one model call per request).</summary>
    public int? MaxToolCalls { get; init; }

    /// <summary>Gets whether parallel tool calls are allowed. <value>OpenAI's default is <see langword="true"/>.</value></summary>
    public bool ParallelToolCalls { get; init; } = true;

    /// <summary>Gets the truncation mode to echo (<c>disabled</c> unless the client said <c>auto</c>).</summary>
    public string Truncation { get; init; } = "disabled";

    /// <summary>Gets the service tier the client asked for, echoed as given.</summary>
    public string? ServiceTier { get; init; }
}
