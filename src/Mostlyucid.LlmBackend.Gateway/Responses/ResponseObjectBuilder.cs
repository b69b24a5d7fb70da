using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// Builds the Response object (<c>"object": "response"</c>) with every field OpenAI's API reference requires, the
/// request's settings echoed as OpenAI echoes them; the same object is returned, streamed in <c>response.*</c> events and
/// stored.
/// </summary>
internal static class ResponseObjectBuilder
{
    /// <summary>Builds the object.</summary>
    /// <param name="request">The request it answers.</param>
    /// <param name="id">The response's id.</param>
    /// <param name="createdAt">When it was created (Unix seconds).</param>
    /// <param name="status"><c>in_progress</c>, <c>completed</c>, <c>incomplete</c> or <c>failed</c>.</param>
    /// <param name="model">The model that answered (the one asked for until one answers).</param>
    /// <param name="output">The output items.</param>
    /// <param name="usage">The usage, once known.</param>
    /// <param name="completedAt">When it completed (Unix seconds), if it did.</param>
    public static JsonObject Build(ResponsesRequest request, string id, long createdAt, string status, string model, JsonArray output, JsonObject? usage, long? completedAt = null) => new()
    {
        ["id"] = id,
        ["object"] = "response",
        ["created_at"] = createdAt,
        ["status"] = status,
        ["background"] = false,
        ["completed_at"] = completedAt,
        ["error"] = null,
        ["incomplete_details"] = null,
        ["instructions"] = request.Instructions,
        ["max_output_tokens"] = request.MaxOutputTokens,
        ["max_tool_calls"] = request.MaxToolCalls,
        ["model"] = model,
        ["output"] = output,
        ["parallel_tool_calls"] = request.ParallelToolCalls,
        ["previous_response_id"] = request.PreviousResponseId,
        ["reasoning"] = request.Reasoning.DeepClone(),
        ["service_tier"] = request.ServiceTier ?? "default",
        ["store"] = request.Store,
        ["temperature"] = request.Chat.Temperature ?? 1.0,
        ["text"] = request.Text.DeepClone(),
        ["tool_choice"] = request.ToolChoice.DeepClone(),
        ["tools"] = request.Tools.DeepClone(),
        ["top_logprobs"] = 0,
        ["top_p"] = request.Chat.TopP ?? 1.0,
        ["truncation"] = request.Truncation,
        ["usage"] = usage,
        ["user"] = request.Chat.User,
        ["metadata"] = request.Metadata.DeepClone(),
    };

    /// <summary>Marks a finished response: <c>incomplete</c> with its reason when the answer was cut, else <c>completed</c>.</summary>
    public static void Finish(JsonObject response, string? finishReason)
    {
        var reason = IncompleteReason(finishReason);
        response["status"] = reason is null ? "completed" : "incomplete";
        response["incomplete_details"] = reason is null ? null : new JsonObject { ["reason"] = reason };
        if (reason is not null)
        {
            response["completed_at"] = null;
        }
    }

    /// <summary>Marks a failed response with OpenAI's error object.</summary>
    public static void Fail(JsonObject response, string code, string message)
    {
        response["status"] = "failed";
        response["completed_at"] = null;
        response["error"] = new JsonObject { ["code"] = code, ["message"] = message };
    }

    /// <summary>The output items of a whole (not streamed) answer, in the order OpenAI gives them: reasoning, message, calls.</summary>
    public static JsonArray Output(LlmResponse response)
    {
        var itemStatus = IncompleteReason(response.FinishReason) is null ? "completed" : "incomplete";
        var output = new JsonArray();
        if (!string.IsNullOrEmpty(response.Reasoning) || !string.IsNullOrEmpty(response.ReasoningSignature))
        {
            output.Add(ResponseItems.Reasoning(ResponseIds.Reasoning(), "completed", response.Reasoning, response.ReasoningSignature));
        }

        var hasCalls = response.ToolCalls is { Count: > 0 };
        if (!string.IsNullOrEmpty(response.Content) || !string.IsNullOrEmpty(response.Refusal) || !hasCalls)
        {
            var content = new JsonArray();
            if (!string.IsNullOrEmpty(response.Refusal))
            {
                content.Add(ResponseItems.Refusal(response.Refusal));
            }

            if (!string.IsNullOrEmpty(response.Content) || content.Count == 0)
            {
                content.Add(ResponseItems.OutputText(response.Content));
            }

            output.Add(ResponseItems.Message(ResponseIds.Message(), itemStatus, content));
        }

        foreach (var call in response.ToolCalls ?? new List<ToolCall>())
        {
            var callId = string.IsNullOrEmpty(call.Id) ? ResponseIds.Call() : call.Id;
            output.Add(ResponseItems.FunctionCall(ResponseIds.FunctionCall(), "completed", callId, call.Name, string.IsNullOrEmpty(call.Arguments) ? "{}" : call.Arguments));
        }

        return output;
    }

    /// <summary>The usage object, with its detail objects always present.</summary>
    public static JsonObject Usage(int input, int output, int total, int cached, int reasoning, decimal? cost)
    {
        var usage = new JsonObject
        {
            ["input_tokens"] = input,
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = cached },
            ["output_tokens"] = output,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoning },
            ["total_tokens"] = total > 0 ? total : input + output,
        };
        if (cost is { } dollars)
        {
            // The gateway's addition, as in chat completions' usage: what the answer cost, in US dollars.
            usage["cost_usd"] = decimal.Round(dollars, 9);
        }

        return usage;
    }

    /// <summary>The usage of a whole answer.</summary>
    public static JsonObject Usage(LlmResponse response) =>
        Usage(response.PromptTokens, response.CompletionTokens, response.TotalTokens, response.CachedPromptTokens, response.ReasoningTokens, response.CostUsd);

    /// <summary>The usage of a streamed answer.</summary>
    public static JsonObject Usage(LlmUsage? usage, decimal? cost) => usage is null
        ? Usage(0, 0, 0, 0, 0, cost)
        : Usage(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens, usage.CachedPromptTokens, usage.ReasoningTokens, cost);

    private static string? IncompleteReason(string? finishReason) => finishReason switch
    {
        FinishReasons.Length => "max_output_tokens",
        FinishReasons.ContentFilter => "content_filter",
        _ => null,
    };
}
