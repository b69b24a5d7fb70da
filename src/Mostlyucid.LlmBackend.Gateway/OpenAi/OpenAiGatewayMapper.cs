using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.OpenAI;

namespace Mostlyucid.LlmBackend.Gateway.OpenAi;

/// <summary>Translates OpenAI requests the gateway receives into the library's model, and its answers back.</summary>
internal static class OpenAiGatewayMapper
{
    /// <summary>Reads a chat completions request; returns the problem (with the offending parameter) when it cannot be served.</summary>
    public static (ChatRequest? Request, string? Problem, string? Param) FromWire(OpenAiChatRequest wire)
    {
        if (wire.Messages is not { Count: > 0 })
        {
            return (null, "'messages' is a required property and must be a non-empty array", "messages");
        }

        if (wire.N is > 1)
        {
            return (null, "n greater than 1 is not supported by this gateway; send one request per completion", "n");
        }

        if (wire.N is < 1)
        {
            return (null, $"n must be 1 (found {wire.N})", "n");
        }

        var request = new ChatRequest
        {
            Model = wire.Model,
            Temperature = wire.Temperature,
            TopP = wire.TopP,
            MaxTokens = wire.MaxCompletionTokens ?? wire.MaxTokens,
            Stop = wire.Stop,
            Seed = wire.Seed,
            FrequencyPenalty = wire.FrequencyPenalty,
            PresencePenalty = wire.PresencePenalty,
            User = wire.User,
            ParallelToolCalls = wire.ParallelToolCalls,
            ReasoningEffort = wire.ReasoningEffort,
            Logprobs = wire.Logprobs,
            TopLogprobs = wire.TopLogprobs,

            // OpenAI's own options this model does not cover (store, metadata, service_tier, logit_bias, prediction,
            // modalities, …) go to OpenAI-format backends only.
            PassThrough = wire.Extra is { Count: > 0 } extra ? new ProviderPassThrough { Format = WireFormats.OpenAi, Fields = extra } : null,
        };

        for (var i = 0; i < wire.Messages.Count; i++)
        {
            var (message, problem) = FromWire(wire.Messages[i]);
            if (problem is not null)
            {
                return (null, problem, $"messages[{i}]");
            }

            request.Messages.Add(message!);
        }

        if (wire.Tools is { Count: > 0 })
        {
            request.Tools = new List<ToolDefinition>();
            for (var i = 0; i < wire.Tools.Count; i++)
            {
                var tool = wire.Tools[i];
                if (tool is null || tool.Type is not (null or "function") || string.IsNullOrWhiteSpace(tool.Function?.Name))
                {
                    return (null, "only tools of type 'function' with a function name are supported", $"tools[{i}]");
                }

                request.Tools.Add(new ToolDefinition { Name = tool.Function.Name, Description = tool.Function.Description, Parameters = tool.Function.Parameters, Strict = tool.Function.Strict });
            }
        }

        if (wire.ToolChoice is { ValueKind: not System.Text.Json.JsonValueKind.Null } choice)
        {
            request.ToolChoice = ToolChoiceFrom(choice);
            if (request.ToolChoice is null)
            {
                return (null, "tool_choice must be 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}", "tool_choice");
            }
        }

        if (wire.ResponseFormat is { } format)
        {
            switch (format.Type)
            {
                case "json_object":
                    request.ResponseFormat = ResponseFormat.Json();
                    break;
                case "json_schema":
                    request.ResponseFormat = new ResponseFormat { Kind = ResponseFormatKind.JsonSchema, SchemaName = format.JsonSchema?.Name, Schema = format.JsonSchema?.Schema, Strict = format.JsonSchema?.Strict };
                    break;
                case "text" or null:
                    break;
                default:
                    return (null, $"response_format.type must be 'text', 'json_object' or 'json_schema', not '{Shorten(format.Type)}'", "response_format.type");
            }
        }

        return (request, null, null);
    }

    /// <summary>Reads <c>tool_choice</c>: a mode string or a named function; anything else is <see langword="null"/>.</summary>
    private static ToolChoice? ToolChoiceFrom(System.Text.Json.JsonElement choice)
    {
        switch (choice.ValueKind)
        {
            case System.Text.Json.JsonValueKind.String:
                return choice.GetString() switch
                {
                    "none" => ToolChoice.None,
                    "required" => ToolChoice.Required,
                    "auto" => ToolChoice.Auto,
                    _ => null,
                };
            case System.Text.Json.JsonValueKind.Object
                when choice.TryGetProperty("function", out var function)
                    && function.ValueKind == System.Text.Json.JsonValueKind.Object
                    && function.TryGetProperty("name", out var name)
                    && name.ValueKind == System.Text.Json.JsonValueKind.String
                    && name.GetString() is { Length: > 0 } named:
                return ToolChoice.ForFunction(named);
            default:
                return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    private static (ChatMessage? Message, string? Problem) FromWire(OpenAiMessage? wire)
    {
        if (wire is null)
        {
            return (null, "each message must be an object with a role and content, not null");
        }

        var role = wire.Role?.ToLowerInvariant();
        switch (role)
        {
            case "system" or "developer":
                // Text parts are joined with a blank line, as every backend that takes one system string gets them.
                return (new ChatMessage { Role = ChatRole.System, Content = wire.Content?.Text ?? string.Join("\n\n", wire.Content?.Parts?.Where(p => p is { Type: "text" }).Select(p => p!.Text) ?? Array.Empty<string?>()) }, null);
            case "tool":
                return (new ChatMessage { Role = ChatRole.Tool, ToolCallId = wire.ToolCallId, Name = wire.Name, Content = wire.Content?.JoinedText ?? string.Empty }, null);
            case "assistant":
                return (new ChatMessage
                {
                    Role = ChatRole.Assistant,
                    Content = wire.Content?.JoinedText ?? string.Empty,
                    Name = wire.Name,
                    ToolCalls = wire.ToolCalls?.Where(c => c is not null).Select(c => new ToolCall { Id = c.Id ?? string.Empty, Name = c.Function?.Name ?? string.Empty, Arguments = c.Function?.Arguments ?? "{}" }).ToList(),
                }, null);
            case "user":
                var message = new ChatMessage { Role = ChatRole.User, Name = wire.Name };
                if (wire.Content?.Parts is { } parts)
                {
                    message.Parts = new List<ContentPart>();
                    foreach (var part in parts)
                    {
                        switch (part?.Type)
                        {
                            case "text":
                                message.Parts.Add(ContentPart.FromText(part!.Text ?? string.Empty));
                                break;
                            case "image_url" when !string.IsNullOrEmpty(part!.ImageUrl?.Url):
                                message.Parts.Add(ContentPart.FromImageUrl(part.ImageUrl.Url, part.ImageUrl.Detail));
                                break;
                            case "file":
                                var (document, fileProblem) = OpenAiFilePart.Read(part!.File);
                                if (document is null)
                                {
                                    return (null, fileProblem);
                                }

                                message.Parts.Add(document);
                                break;
                            default:
                                return (null, part is null ? "content parts must be objects, not null" : $"content parts of type '{part.Type}' are not supported (text, image_url and file are; an image_url needs a url)");
                        }
                    }

                    message.Content = message.GetText();
                }
                else
                {
                    message.Content = wire.Content?.Text ?? string.Empty;
                }

                return (message, null);
            default:
                return (null, $"'{Shorten(wire.Role ?? string.Empty)}' is not a valid role (system, developer, user, assistant, tool)");
        }
    }

    /// <summary>Builds the chat completion object for an answer.</summary>
    public static OpenAiChatResponse ToWire(LlmResponse response, string id, long created) => new()
    {
        Id = id,
        Object = "chat.completion",
        Created = created,
        Model = response.ModelUsed,
        Choices = new List<OpenAiChoice>
        {
            new()
            {
                Index = 0,
                FinishReason = response.FinishReason ?? FinishReasons.Stop,
                Logprobs = response.Logprobs,
                Message = new OpenAiMessage
                {
                    Role = ChatRole.Assistant,
                    Content = response.ToolCalls is { Count: > 0 } && string.IsNullOrEmpty(response.Content) ? null : new OpenAiContent { Text = response.Content },
                    Refusal = response.Refusal,
                    ReasoningContent = response.Reasoning,
                    ToolCalls = response.ToolCalls?.Select(c => new OpenAiToolCall { Id = c.Id, Type = "function", Function = new OpenAiFunctionCall { Name = c.Name, Arguments = c.Arguments } }).ToList(),
                },
            },
        },
        Usage = Usage(response.PromptTokens, response.CompletionTokens, response.TotalTokens, response.CachedPromptTokens, response.ReasoningTokens, response.CostUsd),
    };

    public static OpenAiUsage Usage(int prompt, int completion, int total, int cached, int reasoning, decimal? cost = null) => new()
    {
        CostUsd = cost is { } dollars ? decimal.Round(dollars, 9) : null,
        PromptTokens = prompt,
        CompletionTokens = completion,
        TotalTokens = total > 0 ? total : prompt + completion,
        PromptTokensDetails = new OpenAiPromptTokensDetails { CachedTokens = cached },
        CompletionTokensDetails = new OpenAiCompletionTokensDetails { ReasoningTokens = reasoning },
    };
}
