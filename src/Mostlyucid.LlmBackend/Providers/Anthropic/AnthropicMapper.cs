using System.Text;
using System.Text.Json;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Providers.Anthropic;

/// <summary>Translates between the library's model and Anthropic's Messages API wire format.</summary>
/// <remarks>
/// <para>
/// Requests: every system message goes to the top-level <c>system</c> (blocks joined with a blank line, or kept as
/// blocks when one carries <c>cache_control</c>); text, image and document parts keep their <c>cache_control</c>, as do
/// tools; tool results become
/// <c>tool_result</c> blocks in user messages; an assistant message's tool calls become <c>tool_use</c> blocks, after its
/// signed reasoning as a <c>thinking</c> block; consecutive messages of the same role are merged into one, so that roles
/// alternate and parallel tool results travel together as Anthropic requires; messages left with no blocks are not sent.
/// Seed and the frequency and presence penalties have no Anthropic equivalent and are left out.
/// </para>
/// <para>
/// <see cref="ChatRequest.ResponseFormat"/> has no native equivalent in the Messages API, so JSON output is asked for in
/// words: an instruction (with the schema, when there is one) is appended to the system prompt. The model usually
/// complies, but nothing enforces it; callers should still validate the JSON.
/// </para>
/// </remarks>
internal static class AnthropicMapper
{
    /// <summary>The output token limit sent when neither the request nor the backend sets one (Anthropic requires one).</summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>Builds the request body for a chat request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="model">The model to ask.</param>
    /// <param name="defaultMaxTokens">The backend's <c>MaxOutputTokens</c>.</param>
    /// <param name="defaultTemperature">The backend's <c>Temperature</c>.</param>
    /// <param name="stream">Whether to stream.</param>
    /// <param name="argumentsAsObject">Turns a tool call's arguments text into the JSON object <c>tool_use.input</c> needs.</param>
    /// <returns>The body.</returns>
    public static AnthropicMessagesRequest ToWire(ChatRequest request, string model, int? defaultMaxTokens, double? defaultTemperature, bool stream, Func<string, JsonElement> argumentsAsObject)
    {
        var budget = request.ThinkingBudgetTokens is > 0 and var tokens ? tokens : (int?)null;
        var maxTokens = request.MaxTokens ?? defaultMaxTokens ?? DefaultMaxTokens;
        if (budget is { } thinking && request.MaxTokens is null && maxTokens <= thinking)
        {
            // Anthropic requires max_tokens above the thinking budget; a default limit is raised to leave room for the answer.
            maxTokens = thinking + DefaultMaxTokens;
        }

        var hasTools = request.Tools is { Count: > 0 };
        return new AnthropicMessagesRequest
        {
            Model = model,
            MaxTokens = maxTokens,
            System = System(request),
            Messages = Messages(request.Messages, argumentsAsObject),
            Temperature = request.Temperature ?? defaultTemperature,
            TopP = request.TopP,
            TopK = request.TopK,
            StopSequences = request.Stop is { Count: > 0 } stop ? stop : null,
            Stream = stream ? true : null,
            Tools = hasTools ? request.Tools!.Select(ToWire).ToList() : null,
            ToolChoice = hasTools ? ToWire(request.ToolChoice, request.ParallelToolCalls) : null,
            Thinking = budget is { } b ? new AnthropicThinking { Type = "enabled", BudgetTokens = b } : null,
            Metadata = string.IsNullOrEmpty(request.User) ? null : new AnthropicMetadata { UserId = request.User },
        };
    }

    /// <summary>Converts the messages, merging consecutive messages of the same role.</summary>
    public static List<AnthropicMessage> Messages(IEnumerable<ChatMessage> messages, Func<string, JsonElement> argumentsAsObject)
    {
        var wire = new List<AnthropicMessage>();
        foreach (var message in messages)
        {
            if (IsSystem(message))
            {
                continue;
            }

            var assistant = Is(message, ChatRole.Assistant);
            var blocks = Is(message, ChatRole.Tool) ? new List<AnthropicContentBlock> { ToolResult(message) }
                : assistant ? AssistantBlocks(message, argumentsAsObject)
                : UserBlocks(message);
            if (blocks.Count == 0)
            {
                continue;
            }

            var role = assistant ? "assistant" : "user";
            if (wire.Count > 0 && wire[^1].Role == role)
            {
                wire[^1].Content.AddRange(blocks);
            }
            else
            {
                wire.Add(new AnthropicMessage { Role = role, Content = blocks });
            }
        }

        // A final assistant turn is a prefill Anthropic continues, and it rejects one ending in whitespace.
        if (wire.Count > 0 && wire[^1].Role == "assistant" && wire[^1].Content is { Count: > 0 } last && last[^1] is { Type: "text", Text: { } text })
        {
            last[^1].Text = text.TrimEnd();
        }

        return wire;
    }

    public static AnthropicTool ToWire(ToolDefinition tool) => new()
    {
        Name = tool.Name,
        Description = tool.Description,
        InputSchema = tool.Parameters ?? EmptySchema(),
        CacheControl = tool.CacheControl,
    };

    /// <summary>Maps the tool choice; <see langword="null"/> when neither a choice nor a parallel-calls limit was asked for.</summary>
    public static AnthropicToolChoice? ToWire(ToolChoice? choice, bool? parallelToolCalls)
    {
        var mode = choice?.Mode ?? ToolChoiceMode.Auto;
        if (choice is null && parallelToolCalls != false)
        {
            return null;
        }

        return new AnthropicToolChoice
        {
            Type = mode switch
            {
                ToolChoiceMode.None => "none",
                ToolChoiceMode.Required => "any",
                ToolChoiceMode.Function => "tool",
                _ => "auto",
            },
            Name = mode == ToolChoiceMode.Function ? choice!.FunctionName : null,
            DisableParallelToolUse = parallelToolCalls == false && mode != ToolChoiceMode.None ? true : null,
        };
    }

    /// <summary>Maps Anthropic's stop reasons onto <see cref="FinishReasons"/>; unknown reasons pass through unchanged.</summary>
    public static string? FinishReason(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" or "stop_sequence" or "pause_turn" => FinishReasons.Stop,
        "max_tokens" or "model_context_window_exceeded" => FinishReasons.Length,
        "tool_use" => FinishReasons.ToolCalls,
        "refusal" => FinishReasons.ContentFilter,
        _ => stopReason,
    };

    /// <summary>Reads a complete (non-streamed) response.</summary>
    /// <remarks>
    /// Text blocks are concatenated, thinking blocks likewise (with the last signature). <c>redacted_thinking</c> blocks
    /// and server tool blocks have no place in the model and are not returned.
    /// </remarks>
    public static LlmResponse FromWire(AnthropicMessagesResponse wire, string requestedModel)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        string? signature = null;
        var calls = new List<ToolCall>();
        foreach (var block in wire.Content ?? new List<AnthropicContentBlock>())
        {
            switch (block.Type)
            {
                case "text":
                    text.Append(block.Text);
                    break;
                case "tool_use":
                    calls.Add(new ToolCall { Id = block.Id ?? string.Empty, Name = block.Name ?? string.Empty, Arguments = ArgumentsText(block.Input) });
                    break;
                case "thinking":
                    reasoning.Append(block.Thinking);
                    signature = string.IsNullOrEmpty(block.Signature) ? signature : block.Signature;
                    break;
            }
        }

        var response = new LlmResponse
        {
            Success = true,
            Content = text.ToString(),
            Reasoning = reasoning.Length > 0 ? reasoning.ToString() : null,
            ReasoningSignature = signature,
            ToolCalls = calls.Count > 0 ? calls : null,
            FinishReason = FinishReason(wire.StopReason),
            ModelUsed = wire.Model ?? requestedModel,
            ResponseId = wire.Id,
        };
        if (ToUsage(wire.Usage, null) is { } usage)
        {
            response.PromptTokens = usage.PromptTokens;
            response.CompletionTokens = usage.CompletionTokens;
            response.TotalTokens = usage.TotalTokens;
            response.CachedPromptTokens = usage.CachedPromptTokens;
        }

        return response;
    }

    /// <summary>
    /// Combines usage: the prompt is input plus cache reads plus cache writes. In a stream, <paramref name="latest"/> (from
    /// <c>message_delta</c>, cumulative) wins over <paramref name="start"/> (from <c>message_start</c>) field by field.
    /// </summary>
    public static LlmUsage? ToUsage(AnthropicUsage? start, AnthropicUsage? latest)
    {
        if (start is null && latest is null)
        {
            return null;
        }

        var cached = latest?.CacheReadInputTokens ?? start?.CacheReadInputTokens ?? 0;
        var prompt = (latest?.InputTokens ?? start?.InputTokens ?? 0) + cached + (latest?.CacheCreationInputTokens ?? start?.CacheCreationInputTokens ?? 0);
        var completion = latest?.OutputTokens ?? start?.OutputTokens ?? 0;
        return new LlmUsage { PromptTokens = prompt, CompletionTokens = completion, TotalTokens = prompt + completion, CachedPromptTokens = cached };
    }

    /// <summary>The arguments text of a tool call: the <c>input</c> object as JSON, <c>{}</c> when absent.</summary>
    public static string ArgumentsText(JsonElement? input) =>
        input is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } value ? value.GetRawText() : "{}";

    /// <summary>
    /// The top-level <c>system</c>: one string, every system message's blocks joined with a blank line — or, when any block
    /// carries <c>cache_control</c>, the blocks themselves (each with its marker), so prompt caching works through us.
    /// </summary>
    public static JsonElement? System(ChatRequest request)
    {
        var instruction = FormatInstruction(request.ResponseFormat);
        var systems = request.Messages.Where(IsSystem).ToList();
        if (systems.Any(m => m.Parts?.Any(p => p.CacheControl is not null) == true))
        {
            var blocks = new List<AnthropicContentBlock>();
            foreach (var message in systems)
            {
                if (message.Parts is { Count: > 0 } parts)
                {
                    blocks.AddRange(parts.Where(p => p.Kind == ContentPartKind.Text && !string.IsNullOrEmpty(p.Text)).Select(p => new AnthropicContentBlock { Type = "text", Text = p.Text, CacheControl = p.CacheControl }));
                }
                else if (message.Content.Length > 0)
                {
                    blocks.Add(new AnthropicContentBlock { Type = "text", Text = message.Content });
                }
            }

            if (instruction is not null)
            {
                blocks.Add(new AnthropicContentBlock { Type = "text", Text = instruction });
            }

            return JsonSerializer.SerializeToElement(blocks, AnthropicJsonContext.Default.ListAnthropicContentBlock);
        }

        var system = string.Join("\n\n", systems.Select(m => m.GetText("\n\n")).Where(t => t.Length > 0));
        if (instruction is not null)
        {
            system = system.Length == 0 ? instruction : system + "\n\n" + instruction;
        }

        return system.Length == 0 ? null : JsonSerializer.SerializeToElement(system, ProviderJsonContext.Default.String);
    }

    private static string? FormatInstruction(ResponseFormat? format) => format?.Kind switch
    {
        ResponseFormatKind.JsonObject => "Respond with only a JSON object, with no other text before or after it and no Markdown code fence.",
        ResponseFormatKind.JsonSchema => "Respond with only a JSON object, with no other text before or after it and no Markdown code fence. "
            + "The object must match this JSON Schema"
            + (string.IsNullOrEmpty(format.SchemaName) ? string.Empty : $" (\"{format.SchemaName}\")")
            + ":\n" + (format.Schema is { } schema ? schema.GetRawText() : "{\"type\":\"object\"}"),
        _ => null,
    };

    private static List<AnthropicContentBlock> UserBlocks(ChatMessage message)
    {
        var blocks = new List<AnthropicContentBlock>();
        foreach (var part in message.GetParts())
        {
            if (part.Kind == ContentPartKind.Image)
            {
                blocks.Add(Image(part));
            }
            else if (part.Kind == ContentPartKind.Document)
            {
                blocks.Add(Document(part));
            }
            else if (!string.IsNullOrEmpty(part.Text))
            {
                // Anthropic rejects empty text blocks.
                blocks.Add(new AnthropicContentBlock { Type = "text", Text = part.Text, CacheControl = part.CacheControl });
            }
        }

        return blocks;
    }

    private static List<AnthropicContentBlock> AssistantBlocks(ChatMessage message, Func<string, JsonElement> argumentsAsObject)
    {
        var blocks = new List<AnthropicContentBlock>();

        // Anthropic only accepts thinking it signed itself, so unsigned reasoning (another provider's) is not sent back.
        if (!string.IsNullOrEmpty(message.Reasoning) && !string.IsNullOrEmpty(message.ReasoningSignature))
        {
            blocks.Add(new AnthropicContentBlock { Type = "thinking", Thinking = message.Reasoning, Signature = message.ReasoningSignature });
        }

        blocks.AddRange(UserBlocks(message));
        foreach (var call in message.ToolCalls ?? new List<ToolCall>())
        {
            blocks.Add(new AnthropicContentBlock { Type = "tool_use", Id = call.Id, Name = call.Name, Input = argumentsAsObject(call.Arguments) });
        }

        return blocks;
    }

    private static AnthropicContentBlock ToolResult(ChatMessage message)
    {
        var text = message.GetText();
        return new AnthropicContentBlock
        {
            Type = "tool_result",
            ToolUseId = message.ToolCallId ?? string.Empty,
            Content = text.Length > 0 ? JsonSerializer.SerializeToElement(text, ProviderJsonContext.Default.String) : null,
        };
    }

    private static AnthropicContentBlock Document(ContentPart part) => new()
    {
        Type = "document",
        Title = part.Title,
        CacheControl = part.CacheControl,
        Source = part.Text is { } text
            ? new AnthropicImageSource { Type = "text", MediaType = "text/plain", Data = text }
            : part.Data is { } data
                ? new AnthropicImageSource { Type = "base64", MediaType = part.MediaType ?? "application/pdf", Data = Convert.ToBase64String(data.Span) }
                : new AnthropicImageSource { Type = "url", Url = part.Url ?? string.Empty },
    };

    private static AnthropicContentBlock Image(ContentPart part) => new()
    {
        Type = "image",
        CacheControl = part.CacheControl,
        Source = part.TryGetImageBytes(out var data, out var mediaType)
            ? new AnthropicImageSource { Type = "base64", MediaType = mediaType, Data = Convert.ToBase64String(data.Span) }
            : new AnthropicImageSource { Type = "url", Url = part.Url ?? string.Empty },
    };

    private static JsonElement EmptySchema() => JsonSerializer.SerializeToElement(
        new Dictionary<string, JsonElement>
        {
            ["type"] = JsonSerializer.SerializeToElement("object", ProviderJsonContext.Default.String),
            ["properties"] = JsonSerializer.SerializeToElement(new Dictionary<string, string>(), ProviderJsonContext.Default.DictionaryStringString),
        },
        ProviderJsonContext.Default.DictionaryStringJsonElement);

    private static bool IsSystem(ChatMessage message) => Is(message, ChatRole.System) || Is(message, "developer");

    private static bool Is(ChatMessage message, string role) => string.Equals(message.Role, role, StringComparison.OrdinalIgnoreCase);
}
