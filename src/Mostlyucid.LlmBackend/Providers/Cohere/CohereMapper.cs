using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.Translation;

namespace Mostlyucid.LlmBackend.Providers.Cohere;

/// <summary>
/// Translates between the library's model and Cohere's Chat API v2. Where the two differ:
/// <list type="bullet">
/// <item><see cref="ToolChoiceMode.Function"/> has no Cohere equivalent: it is sent as <c>"REQUIRED"</c> with only the named
/// tool offered, which forces that one call. <see cref="ToolChoiceMode.Auto"/> is Cohere's default and is not sent.</item>
/// <item><see cref="ToolDefinition.Strict"/> becomes the request-wide <c>strict_tools</c> when any tool asks for it.</item>
/// <item>A JSON Schema answer is <c>{"type":"json_object","json_schema":…}</c>; the schema's name is not sent.</item>
/// <item><see cref="ChatRequest.ThinkingBudgetTokens"/> becomes <c>thinking</c> (0 turns reasoning off).</item>
/// <item>Reasoning comes back from <c>thinking</c> content and from <c>tool_plan</c>; on an assistant message with tool
/// calls it is sent back as <c>tool_plan</c>, as Cohere's tool-use guide does.</item>
/// <item>Cohere has no <c>user</c>, participant <c>name</c>, <c>parallel_tool_calls</c> or <c>reasoning_effort</c>;
/// those are left out.</item>
/// </list>
/// </summary>
internal static class CohereMapper
{
    /// <summary>Builds the request body for a chat request (a <see cref="ToolChoiceMode.Function"/> tool must be among the tools).</summary>
    public static CohereChatRequest ToWire(ChatRequest request, string model, int? defaultMaxTokens, double? defaultTemperature, bool stream)
    {
        var tools = request.Tools is { Count: > 0 } offered ? offered : null;
        if (tools is not null && request.ToolChoice is { Mode: ToolChoiceMode.Function, FunctionName: { } forced })
        {
            tools = tools.Where(t => t.Name == forced).ToList();
        }

        return new CohereChatRequest
        {
            Model = model,
            Messages = request.Messages.Select(ToWire).ToList(),
            Tools = tools?.Select(ToWire).ToList(),
            ToolChoice = tools is null ? null : ToWire(request.ToolChoice),
            StrictTools = tools is not null && tools.Any(t => t.Strict == true) ? true : null,
            Stream = stream,
            MaxTokens = request.MaxTokens ?? defaultMaxTokens,
            Temperature = request.Temperature ?? defaultTemperature,
            P = request.TopP,
            K = request.TopK,
            StopSequences = request.Stop is { Count: > 0 } stop ? stop : null,
            Seed = request.Seed,
            FrequencyPenalty = request.FrequencyPenalty,
            PresencePenalty = request.PresencePenalty,
            ResponseFormat = request.ResponseFormat is { } format ? ToWire(format) : null,
            Thinking = request.ThinkingBudgetTokens switch
            {
                null => null,
                <= 0 => new CohereThinking { Type = "disabled" },
                var budget => new CohereThinking { Type = "enabled", TokenBudget = budget },
            },
        };
    }

    public static CohereMessage ToWire(ChatMessage message)
    {
        var role = message.Role.ToLowerInvariant();
        switch (role)
        {
            case ChatRole.System or "developer":
                return new CohereMessage { Role = ChatRole.System, Content = new CohereContent { Text = message.GetText("\n\n") } };
            case ChatRole.Tool:
                return new CohereMessage { Role = ChatRole.Tool, ToolCallId = message.ToolCallId, Content = new CohereContent { Text = message.GetText() } };
            case ChatRole.Assistant:
                var text = message.GetText();
                var calls = message.ToolCalls is { Count: > 0 } toolCalls ? toolCalls : null;
                return new CohereMessage
                {
                    Role = ChatRole.Assistant,
                    Content = text.Length > 0 || calls is null ? new CohereContent { Text = text } : null,
                    ToolCalls = calls?.Select(c => new CohereToolCall
                    {
                        Id = c.Id,
                        Type = "function",
                        Function = new CohereFunctionCall { Name = c.Name, Arguments = c.Arguments },
                    }).ToList(),
                    ToolPlan = calls is not null && !string.IsNullOrEmpty(message.Reasoning) ? message.Reasoning : null,
                };
            default:
                return new CohereMessage
                {
                    Role = role,
                    Content = message.Parts is { Count: > 0 } parts && parts.Any(p => p.Kind != ContentPartKind.Text)
                        ? new CohereContent { Parts = parts.Select(ToWire).ToList() }
                        : new CohereContent { Text = message.GetText() },
                };
        }
    }

    public static CohereContentPart ToWire(ContentPart part) => part.Kind switch
    {
        ContentPartKind.Image => new CohereContentPart { Type = "image_url", ImageUrl = new CohereImageUrl { Url = part.ToImageUrl(), Detail = part.Detail } },
        ContentPartKind.Document => new CohereContentPart { Type = "text", Text = DocumentParts.AsText(part) },
        _ => new CohereContentPart { Type = "text", Text = part.Text ?? string.Empty },
    };

    public static CohereTool ToWire(ToolDefinition tool) => new()
    {
        Type = "function",
        Function = new CohereFunctionDefinition { Name = tool.Name, Description = tool.Description, Parameters = tool.Parameters },
    };

    /// <summary>Maps a tool choice: <c>"NONE"</c>, <c>"REQUIRED"</c> (also for one named function), or nothing for auto.</summary>
    public static string? ToWire(ToolChoice? choice) => choice?.Mode switch
    {
        ToolChoiceMode.None => "NONE",
        ToolChoiceMode.Required or ToolChoiceMode.Function => "REQUIRED",
        _ => null,
    };

    public static CohereResponseFormat? ToWire(ResponseFormat format) => format.Kind switch
    {
        ResponseFormatKind.JsonObject => new CohereResponseFormat { Type = "json_object" },
        ResponseFormatKind.JsonSchema => new CohereResponseFormat { Type = "json_object", JsonSchema = format.Schema },
        _ => null,
    };

    /// <summary>Gets whether a finish reason reports a failed generation (<c>ERROR</c>, <c>TIMEOUT</c>) rather than an answer.</summary>
    public static bool IsFailure(string? finishReason) => finishReason is "ERROR" or "TIMEOUT";

    /// <summary>Maps Cohere's finish reasons onto <see cref="FinishReasons"/>; unknown ones pass through in lower case.</summary>
    public static string? FinishReason(string? wire) => wire switch
    {
        null or "" => null,
        "COMPLETE" or "STOP_SEQUENCE" => FinishReasons.Stop,
        "MAX_TOKENS" => FinishReasons.Length,
        "TOOL_CALL" => FinishReasons.ToolCalls,
        _ => wire.ToLowerInvariant(),
    };

    /// <summary>Reads a complete (non-streamed) answer whose message is present.</summary>
    public static LlmResponse FromWire(CohereChatResponse wire, string model)
    {
        var message = wire.Message;
        var response = new LlmResponse
        {
            Success = true,
            Content = message?.Content?.JoinedText ?? string.Empty,
            Reasoning = JoinReasoning(message?.Content?.JoinedThinking, message?.ToolPlan),
            FinishReason = FinishReason(wire.FinishReason),
            ModelUsed = model,
            ResponseId = wire.Id,
            ToolCalls = message?.ToolCalls is { Count: > 0 } calls
                ? calls.Select(c => new ToolCall { Id = c.Id ?? string.Empty, Name = c.Function?.Name ?? string.Empty, Arguments = string.IsNullOrEmpty(c.Function?.Arguments) ? "{}" : c.Function.Arguments }).ToList()
                : null,
        };
        if (ToUsage(wire.Usage) is { } usage)
        {
            response.PromptTokens = usage.PromptTokens;
            response.CompletionTokens = usage.CompletionTokens;
            response.TotalTokens = usage.TotalTokens;
        }

        return response;
    }

    /// <summary>Reads usage from <c>tokens</c>, falling back to <c>billed_units</c> field by field.</summary>
    public static LlmUsage? ToUsage(CohereUsage? usage)
    {
        if (usage?.Tokens is null && usage?.BilledUnits is null)
        {
            return null;
        }

        var prompt = Count(usage.Tokens?.InputTokens ?? usage.BilledUnits?.InputTokens);
        var completion = Count(usage.Tokens?.OutputTokens ?? usage.BilledUnits?.OutputTokens);
        return new LlmUsage { PromptTokens = prompt, CompletionTokens = completion, TotalTokens = prompt + completion };
    }

    /// <summary>Reads one stream event into an update; <see langword="null"/> when it carries nothing for the caller.</summary>
    public static ChatStreamUpdate? FromEvent(CohereStreamEvent streamEvent, CohereStreamState state, string model)
    {
        var delta = streamEvent.Delta;
        switch (streamEvent.Type)
        {
            case "message-start":
                state.ResponseId = streamEvent.Id ?? state.ResponseId;
                return null;
            case "content-start" or "content-delta":
                var part = delta?.Message?.Content?.Parts is { Count: > 0 } parts ? parts[0] : null;
                var text = part?.Text ?? delta?.Message?.Content?.Text;
                return Update(state, model, content: text, reasoning: part?.Thinking);
            case "tool-plan-delta":
                return Update(state, model, reasoning: delta?.Message?.ToolPlan);
            case "tool-call-start" or "tool-call-delta":
                var call = delta?.Message?.ToolCalls is { Count: > 0 } calls ? calls[0] : null;
                if (call is null)
                {
                    return null;
                }

                var started = streamEvent.Type == "tool-call-start";
                var index = started ? state.StartToolCall(streamEvent.Index) : state.ToolCallIndex(streamEvent.Index);
                var arguments = call.Function?.Arguments;
                return new ChatStreamUpdate
                {
                    ToolCalls = new List<ToolCallUpdate>
                    {
                        new()
                        {
                            Index = index,
                            Id = started ? call.Id : null,
                            Name = started ? call.Function?.Name : null,
                            ArgumentsDelta = string.IsNullOrEmpty(arguments) ? null : arguments,
                        },
                    },
                    ModelUsed = model,
                    ResponseId = state.ResponseId,
                };
            case "message-end":
                state.Ended = true;
                return new ChatStreamUpdate
                {
                    FinishReason = FinishReason(delta?.FinishReason) ?? FinishReasons.Stop,
                    Usage = ToUsage(delta?.Usage),
                    ModelUsed = model,
                    ResponseId = streamEvent.Id ?? state.ResponseId,
                };
            default:
                // content-end, tool-call-end, citation-start, citation-end and event types added later carry nothing to pass on.
                return null;
        }
    }

    private static ChatStreamUpdate? Update(CohereStreamState state, string model, string? content = null, string? reasoning = null) =>
        string.IsNullOrEmpty(content) && string.IsNullOrEmpty(reasoning)
            ? null
            : new ChatStreamUpdate
            {
                ContentDelta = string.IsNullOrEmpty(content) ? null : content,
                ReasoningDelta = string.IsNullOrEmpty(reasoning) ? null : reasoning,
                ModelUsed = model,
                ResponseId = state.ResponseId,
            };

    private static string? JoinReasoning(string? thinking, string? toolPlan) =>
        (string.IsNullOrEmpty(thinking), string.IsNullOrEmpty(toolPlan)) switch
        {
            (true, true) => null,
            (false, true) => thinking,
            (true, false) => toolPlan,
            _ => thinking + "\n\n" + toolPlan,
        };

    private static int Count(double? value) => value is { } v ? (int)Math.Round(v, MidpointRounding.AwayFromZero) : 0;
}
