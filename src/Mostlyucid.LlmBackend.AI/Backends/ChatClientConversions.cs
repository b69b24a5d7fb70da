using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Mostlyucid.LlmBackend.AI.ChatClients;
using Llm = Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.AI.Backends;

/// <summary>The library's request in Microsoft.Extensions.AI's terms, and an <see cref="IChatClient"/>'s answers back in the library's.</summary>
internal static class ChatClientConversions
{
    public static (List<ChatMessage> Messages, ChatOptions Options) ToMeai(Llm.ChatRequest request, string? model)
    {
        var messages = new List<ChatMessage>(request.Messages.Count);
        foreach (var message in request.Messages)
        {
            messages.Add(ToMeai(message));
        }

        var options = new ChatOptions
        {
            ModelId = request.Model ?? model,
            Temperature = (float?)request.Temperature,
            MaxOutputTokens = request.MaxTokens,
            TopP = (float?)request.TopP,
            TopK = request.TopK,
            Seed = request.Seed,
            FrequencyPenalty = (float?)request.FrequencyPenalty,
            PresencePenalty = (float?)request.PresencePenalty,
            StopSequences = request.Stop,
            AllowMultipleToolCalls = request.ParallelToolCalls,
            ResponseFormat = request.ResponseFormat switch
            {
                null => null,
                { Kind: Llm.ResponseFormatKind.JsonSchema, Schema: { } schema } format => ChatResponseFormat.ForJsonSchema(schema, format.SchemaName),
                { Kind: Llm.ResponseFormatKind.JsonObject or Llm.ResponseFormatKind.JsonSchema } => ChatResponseFormat.Json,
                _ => ChatResponseFormat.Text,
            },
            ToolMode = request.ToolChoice switch
            {
                null => null,
                { Mode: Llm.ToolChoiceMode.None } => ChatToolMode.None,
                { Mode: Llm.ToolChoiceMode.Required } => ChatToolMode.RequireAny,
                { Mode: Llm.ToolChoiceMode.Function, FunctionName: { } name } => ChatToolMode.RequireSpecific(name),
                _ => ChatToolMode.Auto,
            },
        };
        if (request.Tools is { Count: > 0 } tools)
        {
            options.Tools = tools.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.Parameters ?? EmptySchema)).ToList();
        }

        if (request.AdditionalProperties is { Count: > 0 } extra)
        {
            options.AdditionalProperties = new AdditionalPropertiesDictionary(extra.ToDictionary(e => e.Key, e => (object?)e.Value));
        }

        return (messages, options);
    }

    public static Llm.LlmResponse FromMeai(ChatResponse response, string? model)
    {
        var reasoning = new StringBuilder();
        var calls = new List<Llm.ToolCall>();

        // A wrapped pipeline with its own function invocation returns the calls it already ran, with their results:
        // those are its business; only calls left for the caller are passed on.
        var answered = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId).ToHashSet(StringComparer.Ordinal);
        foreach (var content in response.Messages.Where(m => m.Role != ChatRole.Tool).SelectMany(m => m.Contents))
        {
            switch (content)
            {
                case TextReasoningContent thinking:
                    reasoning.Append(thinking.Text);
                    break;
                case FunctionCallContent { InformationalOnly: false } call when !answered.Contains(call.CallId):
                    calls.Add(new Llm.ToolCall { Id = call.CallId, Name = call.Name, Arguments = Arguments(call), Signature = MeaiResponses.SignatureOf(call) });
                    break;
            }
        }

        var usage = response.Usage;
        return new Llm.LlmResponse
        {
            Success = true,
            Content = response.Text,
            Reasoning = reasoning.Length > 0 ? reasoning.ToString() : null,
            ToolCalls = calls.Count > 0 ? calls : null,
            ModelUsed = response.ModelId ?? model,
            ResponseId = response.ResponseId,
            FinishReason = FinishReason(response.FinishReason) ?? (calls.Count > 0 ? Llm.FinishReasons.ToolCalls : Llm.FinishReasons.Stop),
            PromptTokens = (int)(usage?.InputTokenCount ?? 0),
            CompletionTokens = (int)(usage?.OutputTokenCount ?? 0),
            TotalTokens = (int)(usage?.TotalTokenCount ?? ((usage?.InputTokenCount ?? 0) + (usage?.OutputTokenCount ?? 0))),
            CachedPromptTokens = (int)(usage?.CachedInputTokenCount ?? 0),
            ReasoningTokens = (int)(usage?.ReasoningTokenCount ?? 0),
        };
    }

    /// <summary>One streamed update in the library's terms; function calls get indexes in the order they appear.</summary>
    public static Llm.ChatStreamUpdate FromMeai(ChatResponseUpdate update, ref int nextCallIndex)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        List<Llm.ToolCallUpdate>? calls = null;
        Llm.LlmUsage? usage = null;
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent part when update.Role != ChatRole.Tool:
                    text.Append(part.Text);
                    break;
                case TextReasoningContent thinking:
                    reasoning.Append(thinking.Text);
                    break;
                case FunctionCallContent { InformationalOnly: false } call when update.Role != ChatRole.Tool:
                    (calls ??= new()).Add(new Llm.ToolCallUpdate { Index = nextCallIndex++, Id = call.CallId, Name = call.Name, ArgumentsDelta = Arguments(call), Signature = MeaiResponses.SignatureOf(call) });
                    break;
                case UsageContent { Details: var details }:
                    usage = new Llm.LlmUsage
                    {
                        PromptTokens = (int)(details.InputTokenCount ?? 0),
                        CompletionTokens = (int)(details.OutputTokenCount ?? 0),
                        TotalTokens = (int)(details.TotalTokenCount ?? ((details.InputTokenCount ?? 0) + (details.OutputTokenCount ?? 0))),
                        CachedPromptTokens = (int)(details.CachedInputTokenCount ?? 0),
                        ReasoningTokens = (int)(details.ReasoningTokenCount ?? 0),
                    };
                    break;
            }
        }

        return new Llm.ChatStreamUpdate
        {
            ContentDelta = text.Length > 0 ? text.ToString() : null,
            ReasoningDelta = reasoning.Length > 0 ? reasoning.ToString() : null,
            ToolCalls = calls,
            Usage = usage,
            FinishReason = FinishReason(update.FinishReason),
            ModelUsed = update.ModelId,
            ResponseId = update.ResponseId,
        };
    }

    public static string? FinishReason(ChatFinishReason? reason) =>
        reason is { } value ? value == ChatFinishReason.Stop ? Llm.FinishReasons.Stop
            : value == ChatFinishReason.Length ? Llm.FinishReasons.Length
            : value == ChatFinishReason.ToolCalls ? Llm.FinishReasons.ToolCalls
            : value == ChatFinishReason.ContentFilter ? Llm.FinishReasons.ContentFilter
            : value.Value
        : null;

    private static readonly JsonElement EmptySchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    private static string Arguments(FunctionCallContent call) =>
        JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));

    private static ChatMessage ToMeai(Llm.ChatMessage message)
    {
        var contents = new List<AIContent>();
        if (!string.IsNullOrEmpty(message.Reasoning))
        {
            contents.Add(new TextReasoningContent(message.Reasoning) { ProtectedData = message.ReasoningSignature });
        }

        if (string.Equals(message.Role, Llm.ChatRole.Tool, StringComparison.OrdinalIgnoreCase))
        {
            contents.Add(new FunctionResultContent(message.ToolCallId ?? string.Empty, message.GetText()));
            return new ChatMessage(ChatRole.Tool, contents);
        }

        foreach (var part in message.GetParts())
        {
            if (part.Kind == Llm.ContentPartKind.Text)
            {
                contents.Add(new TextContent(part.Text));
            }
            else if (part.TryGetImageBytes(out var bytes, out var mediaType))
            {
                contents.Add(new DataContent(bytes, mediaType));
            }
            else if (part.Url is { } url)
            {
                contents.Add(new UriContent(url, ImageMediaType(url)));
            }
        }

        foreach (var call in message.ToolCalls ?? (IEnumerable<Llm.ToolCall>)Array.Empty<Llm.ToolCall>())
        {
            contents.Add(MeaiResponses.Call(call.Id, call.Name, call.Arguments));
        }

        return new ChatMessage(new ChatRole(message.Role), contents) { AuthorName = message.Name };
    }

    private static string ImageMediaType(string url)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" => "image/jpeg",
            ".gif" => "image/gif",
            ".webp" => "image/webp",
            _ => "image/png",
        };
    }
}
