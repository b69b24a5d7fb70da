using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Anthropic;

/// <summary>Builds Anthropic Messages responses from the library's answers.</summary>
internal static class AnthropicResponseWriter
{
    /// <summary>Maps a finish reason to Anthropic's <c>stop_reason</c>.</summary>
    public static string StopReason(string? finishReason) => finishReason switch
    {
        FinishReasons.Length => "max_tokens",
        FinishReasons.ToolCalls => "tool_use",
        FinishReasons.ContentFilter => "refusal",
        _ => "end_turn",
    };

    public static JsonObject Message(LlmResponse response, string id)
    {
        var content = new JsonArray();
        if (response.Reasoning is { Length: > 0 } reasoning)
        {
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = reasoning, ["signature"] = response.ReasoningSignature ?? string.Empty });
        }

        if (response.Content.Length > 0 || response.ToolCalls is not { Count: > 0 })
        {
            content.Add(new JsonObject { ["type"] = "text", ["text"] = response.Content });
        }

        foreach (var call in response.ToolCalls ?? new List<ToolCall>())
        {
            content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = Input(call.Arguments) });
        }

        return new JsonObject
        {
            ["id"] = id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = response.ModelUsed,
            ["content"] = content,
            ["stop_reason"] = StopReason(response.FinishReason),
            ["stop_sequence"] = null,
            ["usage"] = Usage(response.PromptTokens, response.CompletionTokens, response.CachedPromptTokens, response.CostUsd),
        };
    }

    /// <summary>Anthropic counts cache reads apart from <c>input_tokens</c>.</summary>
    /// <summary>Anthropic's usage object, with the gateway's <c>cost_usd</c> when the cost is known.</summary>
    public static JsonObject Usage(int promptTokens, int completionTokens, int cachedTokens, decimal? cost = null)
    {
        var usage = new JsonObject
        {
            ["input_tokens"] = Math.Max(0, promptTokens - cachedTokens),
            ["output_tokens"] = completionTokens,
            ["cache_read_input_tokens"] = cachedTokens,
            ["cache_creation_input_tokens"] = 0,
        };
        if (cost is { } dollars)
        {
            usage["cost_usd"] = decimal.Round(dollars, 9);
        }

        return usage;
    }

    /// <summary>A tool call's arguments as the object Anthropic's <c>input</c> must be.</summary>
    public static JsonNode Input(string arguments)
    {
        try
        {
            return JsonNode.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments) is JsonObject o ? o : new JsonObject { ["value"] = JsonNode.Parse(arguments) };
        }
        catch (JsonException)
        {
            return new JsonObject { ["raw_arguments"] = arguments };
        }
    }
}
