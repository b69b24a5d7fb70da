using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>
/// Collects what an Anthropic request carries beyond the library's model — top-level fields the reader does not map
/// (<c>service_tier</c>, <c>container</c>, <c>mcp_servers</c>, <c>context_management</c>, …) and the <c>anthropic-beta</c>
/// header — for Anthropic backends only (<see cref="ProviderPassThrough"/>). <c>anthropic-version</c> is not carried: each
/// backend sends the version its translation is written for (its <c>ApiVersion</c>).
/// </summary>
internal static class AnthropicPassThroughReader
{
    /// <summary>The client's headers that Anthropic backends receive as sent.</summary>
    public static readonly string[] ForwardedHeaders = { "anthropic-beta" };

    /// <summary>The top-level fields <see cref="AnthropicRequestReader"/> maps itself.</summary>
    private static readonly HashSet<string> Mapped = new(StringComparer.Ordinal)
    {
        "model", "max_tokens", "messages", "stream", "metadata", "thinking", "temperature", "top_p", "top_k",
        "stop_sequences", "system", "tools", "tool_choice",
    };

    public static ProviderPassThrough? Read(JsonObject root, HttpRequest? request)
    {
        var passThrough = new ProviderPassThrough { Format = WireFormats.Anthropic };
        foreach (var (name, value) in root)
        {
            if (!Mapped.Contains(name) && value is not null)
            {
                passThrough.Fields[name] = JsonSerializer.SerializeToElement(value, GatewayNodeContext.Default.JsonNode);
            }
        }

        foreach (var header in ForwardedHeaders)
        {
            if (request?.Headers[header].ToString() is { Length: > 0 } value)
            {
                passThrough.Headers[header] = value;
            }
        }

        return passThrough.IsEmpty ? null : passThrough;
    }
}
