using System.Text.Json;
using Microsoft.Extensions.AI;
using Llm = Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.AI.ChatClients;

/// <summary>
/// Turns the library's answers into Microsoft.Extensions.AI's: text, reasoning, function calls, usage, finish reason,
/// model and response id, with who answered (backend, attempts, cost) in <c>AdditionalProperties</c> and the library's own
/// object as <c>RawRepresentation</c>.
/// </summary>
internal static class MeaiResponses
{
    /// <summary>The <c>AdditionalProperties</c> key naming the backend that answered.</summary>
    public const string BackendKey = "llmb.backend";

    /// <summary>The <c>AdditionalProperties</c> key of the number of attempts the answer took (retries, failovers, continuations).</summary>
    public const string AttemptsKey = "llmb.attempts";

    /// <summary>The <c>AdditionalProperties</c> key of the provider's signature on a function call (Gemini's thought signature), sent back with it.</summary>
    public const string SignatureKey = "llmb.signature";

    /// <summary>The <c>AdditionalProperties</c> key of what the answer cost in US dollars, when prices are known.</summary>
    public const string CostKey = "llmb.cost_usd";

    public static ChatResponse ToChatResponse(Llm.LlmResponse response)
    {
        var contents = new List<AIContent>();
        if (!string.IsNullOrEmpty(response.Reasoning))
        {
            contents.Add(new TextReasoningContent(response.Reasoning) { ProtectedData = response.ReasoningSignature });
        }

        if (!string.IsNullOrEmpty(response.Content))
        {
            contents.Add(new TextContent(response.Content));
        }

        foreach (var call in response.ToolCalls ?? (IEnumerable<Llm.ToolCall>)Array.Empty<Llm.ToolCall>())
        {
            contents.Add(Call(call.Id, call.Name, call.Arguments, call.Signature));
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = response.ResponseId })
        {
            ResponseId = response.ResponseId,
            ModelId = response.ModelUsed,
            FinishReason = FinishReason(response.FinishReason),
            Usage = new UsageDetails
            {
                InputTokenCount = response.PromptTokens,
                OutputTokenCount = response.CompletionTokens,
                TotalTokenCount = response.TotalTokens,
                CachedInputTokenCount = response.CachedPromptTokens > 0 ? response.CachedPromptTokens : null,
                ReasoningTokenCount = response.ReasoningTokens > 0 ? response.ReasoningTokens : null,
            },
            RawRepresentation = response,
            AdditionalProperties = Answered(response.BackendUsed, response.Attempts.Count, response.CostUsd),
        };
    }

    public static ChatFinishReason? FinishReason(string? reason) => reason switch
    {
        null => null,
        Llm.FinishReasons.Stop => ChatFinishReason.Stop,
        Llm.FinishReasons.Length => ChatFinishReason.Length,
        Llm.FinishReasons.ToolCalls => ChatFinishReason.ToolCalls,
        Llm.FinishReasons.ContentFilter => ChatFinishReason.ContentFilter,
        var other => new ChatFinishReason(other),
    };

    public static UsageDetails Usage(Llm.LlmUsage usage) => new()
    {
        InputTokenCount = usage.PromptTokens,
        OutputTokenCount = usage.CompletionTokens,
        TotalTokenCount = usage.TotalTokens,
        CachedInputTokenCount = usage.CachedPromptTokens > 0 ? usage.CachedPromptTokens : null,
        ReasoningTokenCount = usage.ReasoningTokens > 0 ? usage.ReasoningTokens : null,
    };

    public static AdditionalPropertiesDictionary? Answered(string? backend, int attempts, decimal? cost)
    {
        if (backend is null && attempts == 0 && cost is null)
        {
            return null;
        }

        var properties = new AdditionalPropertiesDictionary();
        if (backend is not null)
        {
            properties[BackendKey] = backend;
        }

        if (attempts > 0)
        {
            properties[AttemptsKey] = attempts;
        }

        if (cost is { } dollars)
        {
            properties[CostKey] = dollars;
        }

        return properties;
    }

    /// <summary>A function call with its JSON arguments parsed as MEAI does (a parse failure is kept on the content).</summary>
    public static FunctionCallContent Call(string id, string name, string? arguments, string? signature = null)
    {
        var call = FunctionCallContent.CreateFromParsedArguments(
            string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments,
            id,
            name,
            static json => (IDictionary<string, object?>?)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))));
        if (signature is not null)
        {
            (call.AdditionalProperties ??= new())[SignatureKey] = signature;
        }

        return call;
    }

    /// <summary>Gets the signature a function call carries back, if any.</summary>
    public static string? SignatureOf(FunctionCallContent call) =>
        call.AdditionalProperties?.TryGetValue(SignatureKey, out var value) == true ? value as string : null;
}
