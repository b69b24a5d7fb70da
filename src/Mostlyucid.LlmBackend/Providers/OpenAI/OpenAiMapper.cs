using System.Text.Json;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Providers.OpenAI;

/// <summary>Translates between the library's model and OpenAI's chat completions wire format.</summary>
internal static class OpenAiMapper
{
    /// <summary>Builds the request body for a chat request.</summary>
    public static OpenAiChatRequest ToWire(ChatRequest request, string model, OpenAiDialect dialect, int? defaultMaxTokens, double? defaultTemperature, bool stream)
    {
        var maxTokens = request.MaxTokens ?? defaultMaxTokens;
        return new OpenAiChatRequest
        {
            Model = model,
            Messages = request.Messages.Select(ToWire).ToList(),
            Temperature = request.Temperature ?? defaultTemperature,
            TopP = request.TopP,
            MaxTokens = dialect.UsesMaxCompletionTokens ? null : maxTokens,
            MaxCompletionTokens = dialect.UsesMaxCompletionTokens ? maxTokens : null,
            Stop = request.Stop is { Count: > 0 } ? request.Stop : null,
            Seed = request.Seed,
            FrequencyPenalty = request.FrequencyPenalty,
            PresencePenalty = request.PresencePenalty,
            User = request.User,
            Tools = request.Tools is { Count: > 0 } tools ? tools.Select(ToWire).ToList() : null,
            ToolChoice = request.ToolChoice is { } choice ? ToWire(choice) : null,
            ParallelToolCalls = request.Tools is { Count: > 0 } ? request.ParallelToolCalls : null,
            ResponseFormat = request.ResponseFormat is { } format ? ToWire(format) : null,
            ReasoningEffort = request.ReasoningEffort,
            Logprobs = request.Logprobs,
            TopLogprobs = request.TopLogprobs,
            Stream = stream,
            StreamOptions = stream && dialect.SendsStreamOptions ? new OpenAiStreamOptions { IncludeUsage = true } : null,
        };
    }

    public static OpenAiMessage ToWire(ChatMessage message)
    {
        var role = message.Role.ToLowerInvariant();
        var wire = new OpenAiMessage { Role = role, Name = role == ChatRole.Tool ? null : message.Name };
        switch (role)
        {
            case ChatRole.System or "developer":
                // One string, however many blocks the caller gave: a blank line between them.
                wire.Content = new OpenAiContent { Text = message.GetText("\n\n") };
                break;
            case ChatRole.Tool:
                wire.ToolCallId = message.ToolCallId;
                wire.Content = new OpenAiContent { Text = message.GetText() };
                break;
            case ChatRole.Assistant:
                var text = message.GetText();
                wire.Content = text.Length > 0 || message.ToolCalls is not { Count: > 0 } ? new OpenAiContent { Text = text } : null;
                wire.ToolCalls = message.ToolCalls?.Select(c => new OpenAiToolCall
                {
                    Id = c.Id,
                    Type = "function",
                    Function = new OpenAiFunctionCall { Name = c.Name, Arguments = c.Arguments },
                }).ToList();
                break;
            default:
                wire.Content = message.Parts is { Count: > 0 } parts && parts.Any(p => p.Kind != ContentPartKind.Text)
                    ? new OpenAiContent { Parts = parts.Select(ToWire).ToList() }
                    : new OpenAiContent { Text = message.GetText() };
                break;
        }

        return wire;
    }

    /// <summary>Converts a content part; a document OpenAI's format cannot carry throws <see cref="NotSupportedException"/>.</summary>
    public static OpenAiContentPart ToWire(ContentPart part) => part.Kind switch
    {
        ContentPartKind.Image => new OpenAiContentPart { Type = "image_url", ImageUrl = new OpenAiImageUrl { Url = part.ToImageUrl(), Detail = part.Detail } },
        ContentPartKind.Document => Document(part),
        _ => new OpenAiContentPart { Type = "text", Text = part.Text ?? string.Empty },
    };

    /// <summary>
    /// A document: plain text becomes a text part (titled when it has a title); a PDF given inline becomes a <c>file</c>
    /// part with the bytes as a <c>data:</c> URL. A PDF given only by URL cannot be sent (OpenAI's chat format takes no
    /// file URLs), nor can other media types.
    /// </summary>
    private static OpenAiContentPart Document(ContentPart part)
    {
        if (part.Text is { } text)
        {
            return new OpenAiContentPart { Type = "text", Text = string.IsNullOrEmpty(part.Title) ? text : part.Title + "\n\n" + text };
        }

        if (part.Data is { } data && string.Equals(part.MediaType, "application/pdf", StringComparison.OrdinalIgnoreCase))
        {
            return new OpenAiContentPart
            {
                Type = "file",
                File = new OpenAiFile { FileName = string.IsNullOrEmpty(part.Title) ? "document.pdf" : part.Title, FileData = "data:application/pdf;base64," + Convert.ToBase64String(data.Span) },
            };
        }

        throw new NotSupportedException(part.Data is null
            ? "a document block given by URL cannot be sent in OpenAI's chat format (it takes PDFs inline only): send the PDF as base64"
            : $"a document block of media type '{part.MediaType}' cannot be sent in OpenAI's chat format (PDF and plain text can)");
    }

    public static OpenAiTool ToWire(ToolDefinition tool) => new()
    {
        Type = "function",
        Function = new OpenAiFunctionDefinition { Name = tool.Name, Description = tool.Description, Parameters = tool.Parameters, Strict = tool.Strict },
    };

    public static JsonElement ToWire(ToolChoice choice) => choice.Mode switch
    {
        ToolChoiceMode.None => JsonSerializer.SerializeToElement("none", ProviderJsonContext.Default.String),
        ToolChoiceMode.Required => JsonSerializer.SerializeToElement("required", ProviderJsonContext.Default.String),
        ToolChoiceMode.Function => JsonSerializer.SerializeToElement(
            new Dictionary<string, JsonElement>
            {
                ["type"] = JsonSerializer.SerializeToElement("function", ProviderJsonContext.Default.String),
                ["function"] = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["name"] = choice.FunctionName ?? string.Empty }, ProviderJsonContext.Default.DictionaryStringString),
            },
            ProviderJsonContext.Default.DictionaryStringJsonElement),
        _ => JsonSerializer.SerializeToElement("auto", ProviderJsonContext.Default.String),
    };

    public static OpenAiResponseFormat? ToWire(ResponseFormat format) => format.Kind switch
    {
        ResponseFormatKind.JsonObject => new OpenAiResponseFormat { Type = "json_object" },
        ResponseFormatKind.JsonSchema => new OpenAiResponseFormat
        {
            Type = "json_schema",
            JsonSchema = new OpenAiJsonSchema { Name = format.SchemaName ?? "response", Schema = format.Schema, Strict = format.Strict },
        },
        _ => null,
    };

    /// <summary>Maps OpenAI's finish reasons onto <see cref="FinishReasons"/> (<c>function_call</c> becomes <c>tool_calls</c>).</summary>
    public static string? FinishReason(string? wire) => wire switch
    {
        null => null,
        "function_call" => FinishReasons.ToolCalls,
        _ => wire,
    };

    /// <summary>Reads a complete (non-streamed) response.</summary>
    public static LlmResponse FromWire(OpenAiChatResponse wire, string requestedModel)
    {
        var choice = wire.Choices is { Count: > 0 } choices ? choices[0] : null;
        var message = choice?.Message;
        var response = new LlmResponse
        {
            Success = true,
            Content = message?.Content?.JoinedText ?? string.Empty,
            Refusal = message?.Refusal,
            Reasoning = message?.ReasoningContent ?? message?.Reasoning,
            FinishReason = FinishReason(choice?.FinishReason),
            ModelUsed = wire.Model ?? requestedModel,
            ResponseId = wire.Id,
            Logprobs = choice?.Logprobs is { ValueKind: JsonValueKind.Object } logprobs ? logprobs : null,
            ToolCalls = message?.ToolCalls is { Count: > 0 } calls
                ? calls.Select(c => new ToolCall { Id = c.Id ?? string.Empty, Name = c.Function?.Name ?? string.Empty, Arguments = c.Function?.Arguments ?? "{}" }).ToList()
                : null,
        };
        ApplyUsage(response, wire.Usage);
        return response;
    }

    public static void ApplyUsage(LlmResponse response, OpenAiUsage? usage)
    {
        if (usage is null)
        {
            return;
        }

        response.PromptTokens = usage.PromptTokens;
        response.CompletionTokens = usage.CompletionTokens;
        response.TotalTokens = usage.TotalTokens > 0 ? usage.TotalTokens : usage.PromptTokens + usage.CompletionTokens;
        response.CachedPromptTokens = usage.PromptTokensDetails?.CachedTokens ?? 0;
        response.ReasoningTokens = usage.CompletionTokensDetails?.ReasoningTokens ?? 0;
    }

    public static LlmUsage? ToUsage(OpenAiUsage? usage) => usage is null ? null : new LlmUsage
    {
        PromptTokens = usage.PromptTokens,
        CompletionTokens = usage.CompletionTokens,
        TotalTokens = usage.TotalTokens > 0 ? usage.TotalTokens : usage.PromptTokens + usage.CompletionTokens,
        CachedPromptTokens = usage.PromptTokensDetails?.CachedTokens ?? 0,
        ReasoningTokens = usage.CompletionTokensDetails?.ReasoningTokens ?? 0,
    };

    /// <summary>Reads one stream chunk into an update; <see langword="null"/> when the chunk carries nothing.</summary>
    public static ChatStreamUpdate? FromChunk(OpenAiChatResponse chunk)
    {
        var choice = chunk.Choices is { Count: > 0 } choices ? choices[0] : null;
        var delta = choice?.Delta;
        var usage = ToUsage(chunk.Usage ?? chunk.XGroq?.Usage);
        var content = delta?.Content?.JoinedText;
        var reasoning = delta?.ReasoningContent ?? delta?.Reasoning;
        var toolCalls = delta?.ToolCalls is { Count: > 0 } calls
            ? calls.Select((c, i) => new ToolCallUpdate { Index = c.Index ?? i, Id = c.Id, Name = c.Function?.Name, ArgumentsDelta = c.Function?.Arguments }).ToList()
            : null;
        var finish = FinishReason(choice?.FinishReason);
        JsonElement? logprobs = choice?.Logprobs is { ValueKind: JsonValueKind.Object } given ? given : null;
        if (string.IsNullOrEmpty(content) && string.IsNullOrEmpty(reasoning) && toolCalls is null && finish is null && usage is null && logprobs is null)
        {
            return null;
        }

        return new ChatStreamUpdate
        {
            ContentDelta = string.IsNullOrEmpty(content) ? null : content,
            ReasoningDelta = string.IsNullOrEmpty(reasoning) ? null : reasoning,
            ToolCalls = toolCalls,
            FinishReason = finish,
            Usage = usage,
            Logprobs = logprobs,
            ModelUsed = chunk.Model,
            ResponseId = chunk.Id,
        };
    }
}
