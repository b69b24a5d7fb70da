using System.Text.Json;
using Microsoft.Extensions.AI;
using Llm = Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.AI.ChatClients;

/// <summary>
/// Turns a Microsoft.Extensions.AI conversation and its <see cref="ChatOptions"/> into the library's
/// <see cref="Llm.ChatRequest"/>: roles, text, images, reasoning, tool calls and tool results, and every option the library
/// has a field for. Anything it cannot carry is refused with an error naming it, never dropped.
/// </summary>
internal static class MeaiRequests
{
    /// <summary>Builds the library's request.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The options, if any.</param>
    /// <param name="defaultModel">The model (or route) used when the options name none.</param>
    /// <returns>The request.</returns>
    /// <exception cref="NotSupportedException">A content or option the library cannot send.</exception>
    public static Llm.ChatRequest ToChatRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModel)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = new Llm.ChatRequest { Model = options?.ModelId ?? defaultModel };
        if (!string.IsNullOrWhiteSpace(options?.Instructions))
        {
            // Agents (the Agent Framework's ChatClientAgent among them) pass their instructions here, not as a message.
            request.Messages.Add(new Llm.ChatMessage { Role = Llm.ChatRole.System, Content = options.Instructions });
        }

        foreach (var message in messages)
        {
            AddMessage(request.Messages, message);
        }

        if (options is not null)
        {
            ApplyOptions(request, options);
        }

        return request;
    }

    private static void AddMessage(List<Llm.ChatMessage> into, ChatMessage message)
    {
        var role = message.Role.Value.ToLowerInvariant();
        var converted = new Llm.ChatMessage { Role = role, Name = message.AuthorName };
        var parts = new List<Llm.ContentPart>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    parts.Add(Llm.ContentPart.FromText(text.Text));
                    break;
                case TextReasoningContent reasoning:
                    converted.Reasoning = (converted.Reasoning ?? string.Empty) + reasoning.Text;
                    converted.ReasoningSignature ??= reasoning.ProtectedData;
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    parts.Add(Llm.ContentPart.FromImageBytes(data.Data, data.MediaType));
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    parts.Add(Llm.ContentPart.FromImageUrl(uri.Uri.ToString()));
                    break;
                case FunctionCallContent call:
                    (converted.ToolCalls ??= new()).Add(new Llm.ToolCall
                    {
                        Id = call.CallId,
                        Name = call.Name,
                        Arguments = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))),
                        Signature = MeaiResponses.SignatureOf(call),
                    });
                    break;
                case FunctionResultContent result:
                    // Each tool result is a tool message of its own, as every provider API wants it.
                    into.Add(new Llm.ChatMessage { Role = Llm.ChatRole.Tool, ToolCallId = result.CallId, Content = ResultText(result) });
                    break;
                case UsageContent:
                    break;
                default:
                    throw new NotSupportedException(
                        $"A {message.Role} message carries {content.GetType().Name}{(content is DataContent d ? $" ({d.MediaType})" : string.Empty)}, which Mostlyucid.LlmBackend cannot send: it sends text, images (DataContent or UriContent with an image/* media type), reasoning, function calls and function results.");
            }
        }

        if (parts.Count == 0 && converted.ToolCalls is null && converted.Reasoning is null)
        {
            return;
        }

        if (parts.All(p => p.Kind == Llm.ContentPartKind.Text))
        {
            converted.Content = string.Concat(parts.Select(p => p.Text));
        }
        else
        {
            converted.Parts = parts;
        }

        into.Add(converted);
    }

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null when result.Exception is { } ex => $"Error: {ex.Message}",
        null => string.Empty,
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } text => text.GetString()!,
        JsonElement element => element.GetRawText(),
        var value => JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType())),
    };

    private static void ApplyOptions(Llm.ChatRequest request, ChatOptions options)
    {
        request.Temperature = options.Temperature;
        request.MaxTokens = options.MaxOutputTokens;
        request.TopP = options.TopP;
        request.TopK = options.TopK;
        request.Seed = options.Seed;
        request.FrequencyPenalty = options.FrequencyPenalty;
        request.PresencePenalty = options.PresencePenalty;
        request.Stop = options.StopSequences is { Count: > 0 } stops ? stops.ToList() : null;
        request.ParallelToolCalls = options.AllowMultipleToolCalls;
        request.ReasoningEffort = options.Reasoning?.Effort switch
        {
            null => null,
            var effort => effort.ToString()!.ToLowerInvariant(),
        };
        request.ResponseFormat = options.ResponseFormat switch
        {
            null or ChatResponseFormatText => null,
            ChatResponseFormatJson { Schema: { } schema } json => Llm.ResponseFormat.ForSchema(json.SchemaName ?? "response", schema),
            ChatResponseFormatJson => Llm.ResponseFormat.Json(),
            var other => throw new NotSupportedException($"ChatOptions.ResponseFormat {other.GetType().Name} is not supported: use ChatResponseFormat.Text, Json or ForJsonSchema."),
        };

        if (options.Tools is { Count: > 0 } tools)
        {
            request.Tools = new List<Llm.ToolDefinition>(tools.Count);
            foreach (var tool in tools)
            {
                request.Tools.Add(tool is AIFunctionDeclaration function
                    ? new Llm.ToolDefinition { Name = function.Name, Description = function.Description, Parameters = function.JsonSchema }
                    : throw new NotSupportedException($"Tool '{tool.Name}' is a {tool.GetType().Name}; Mostlyucid.LlmBackend sends function tools (AIFunction / AIFunctionDeclaration) only."));
            }
        }

        request.ToolChoice = options.ToolMode switch
        {
            null => null,
            NoneChatToolMode => Llm.ToolChoice.None,
            AutoChatToolMode => Llm.ToolChoice.Auto,
            RequiredChatToolMode { RequiredFunctionName: { } name } => Llm.ToolChoice.ForFunction(name),
            RequiredChatToolMode => Llm.ToolChoice.Required,
            var other => throw new NotSupportedException($"ChatOptions.ToolMode {other.GetType().Name} is not supported."),
        };

        if (options.AdditionalProperties is { Count: > 0 } extra)
        {
            request.AdditionalProperties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var (key, value) in extra)
            {
                request.AdditionalProperties[key] = value is JsonElement element
                    ? element
                    : JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value?.GetType() ?? typeof(object)));
            }
        }
    }
}
