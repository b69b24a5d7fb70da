using System.Text.Json.Nodes;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// Builds the output items of a Response object as OpenAI's API reference defines them, with every field a strict client
/// reads: <c>id</c> and <c>status</c> on every item, <c>annotations</c> and <c>logprobs</c> on every text part.
/// </summary>
internal static class ResponseItems
{
    /// <summary>An assistant message item; <paramref name="content"/> holds its parts.</summary>
    public static JsonObject Message(string id, string status, JsonArray content) => new()
    {
        ["id"] = id,
        ["type"] = "message",
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = content,
    };

    /// <summary>An <c>output_text</c> part.</summary>
    public static JsonObject OutputText(string text) => new()
    {
        ["type"] = "output_text",
        ["text"] = text,
        ["annotations"] = new JsonArray(),
        ["logprobs"] = new JsonArray(),
    };

    /// <summary>A <c>refusal</c> part.</summary>
    public static JsonObject Refusal(string refusal) => new() { ["type"] = "refusal", ["refusal"] = refusal };

    /// <summary>A <c>function_call</c> item.</summary>
    public static JsonObject FunctionCall(string id, string status, string callId, string name, string arguments) => new()
    {
        ["id"] = id,
        ["type"] = "function_call",
        ["status"] = status,
        ["call_id"] = callId,
        ["name"] = name,
        ["arguments"] = arguments,
    };

    /// <summary>
    /// A <c>reasoning</c> item: the backend's reasoning as its summary text (what clients show), and a signature the backend
    /// gave (Anthropic's thinking signature) as <c>encrypted_content</c>, so it comes back with the item in the next turn.
    /// </summary>
    public static JsonObject Reasoning(string id, string status, string? text, string? signature)
    {
        var summary = new JsonArray();
        if (!string.IsNullOrEmpty(text))
        {
            summary.Add(SummaryText(text));
        }

        return new JsonObject
        {
            ["id"] = id,
            ["type"] = "reasoning",
            ["status"] = status,
            ["summary"] = summary,
            ["encrypted_content"] = signature,
        };
    }

    /// <summary>A <c>summary_text</c> part of a reasoning item.</summary>
    public static JsonObject SummaryText(string text) => new() { ["type"] = "summary_text", ["text"] = text };
}
