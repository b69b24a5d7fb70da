using System.Text.Json;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.Translation;

namespace Mostlyucid.LlmBackend.Providers.Ollama;

/// <summary>
/// Translates between the library's model and Ollama's native chat format. Where Ollama has no equivalent: tool choice
/// <c>none</c> offers no tools and a named function offers only that one (Ollama cannot force a call); tool calls without
/// an id get a stable one, <c>call_&lt;index&gt;_&lt;name&gt;</c>, the same whether the answer was streamed or not.
/// </summary>
internal static class OllamaMapper
{
    /// <summary>Builds the request body for a chat request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="model">The model to ask.</param>
    /// <param name="defaultMaxTokens">The backend's configured output limit.</param>
    /// <param name="defaultTemperature">The backend's configured temperature.</param>
    /// <param name="stream">Whether to stream.</param>
    /// <param name="argumentsAsObject">Turns a tool call's arguments text into the JSON object Ollama takes.</param>
    /// <returns>The body.</returns>
    public static OllamaChatRequest ToWire(ChatRequest request, string model, int? defaultMaxTokens, double? defaultTemperature, bool stream, Func<string, JsonElement> argumentsAsObject)
    {
        var toolNames = request.Messages
            .Where(m => m.ToolCalls is not null)
            .SelectMany(m => m.ToolCalls!)
            .Where(c => !string.IsNullOrEmpty(c.Id))
            .GroupBy(c => c.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Name, StringComparer.Ordinal);
        return new OllamaChatRequest
        {
            Model = model,
            Messages = request.Messages.Select(m => ToWire(m, toolNames, argumentsAsObject)).ToList(),
            Tools = OfferedTools(request),
            Format = request.ResponseFormat is { } format ? ToWire(format) : null,
            Options = Options(request, defaultMaxTokens, defaultTemperature),
            Stream = stream,
            Think = Think(request),
        };
    }

    public static OllamaMessage ToWire(ChatMessage message, IReadOnlyDictionary<string, string> toolNames, Func<string, JsonElement> argumentsAsObject)
    {
        var role = message.Role.ToLowerInvariant();
        var text = role is ChatRole.System or "developer" ? message.GetText("\n\n") : DocumentParts.TextWithDocuments(message);
        var wire = new OllamaMessage { Role = role, Content = text, Images = Images(message) };
        switch (role)
        {
            case ChatRole.Assistant:
                wire.Thinking = string.IsNullOrEmpty(message.Reasoning) ? null : message.Reasoning;
                wire.ToolCalls = message.ToolCalls is { Count: > 0 } calls
                    ? calls.Select(c => new OllamaToolCall
                    {
                        Id = string.IsNullOrEmpty(c.Id) ? null : c.Id,
                        Function = new OllamaFunctionCall { Name = c.Name, Arguments = argumentsAsObject(c.Arguments) },
                    }).ToList()
                    : null;
                break;
            case ChatRole.Tool:
                wire.ToolCallId = string.IsNullOrEmpty(message.ToolCallId) ? null : message.ToolCallId;
                wire.ToolName = !string.IsNullOrEmpty(message.Name) ? message.Name
                    : message.ToolCallId is { } id && toolNames.TryGetValue(id, out var name) ? name
                    : null;
                break;
        }

        return wire;
    }

    /// <summary>Describes the first image Ollama cannot take (it takes bytes only), or <see langword="null"/> when all are usable.</summary>
    /// <param name="request">The request.</param>
    /// <returns>What is wrong, or <see langword="null"/>.</returns>
    public static string? UnsupportedImage(ChatRequest request)
    {
        foreach (var part in request.Messages.Where(m => m.Parts is not null).SelectMany(m => m.Parts!).Where(p => p.Kind == ContentPartKind.Image))
        {
            try
            {
                if (!part.TryGetImageBytes(out _, out _))
                {
                    return part.Url is { } url && url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                        ? "an image is a data: URL that is not base64"
                        : $"an image is given by URL ({part.Url}), and Ollama does not fetch URLs";
                }
            }
            catch (FormatException)
            {
                return "an image's data: URL is not valid base64";
            }
        }

        return null;
    }

    public static JsonElement? ToWire(ResponseFormat format) => format.Kind switch
    {
        ResponseFormatKind.JsonSchema when format.Schema is { } schema => schema,
        ResponseFormatKind.JsonObject or ResponseFormatKind.JsonSchema => JsonSerializer.SerializeToElement("json", ProviderJsonContext.Default.String),
        _ => null,
    };

    /// <summary>
    /// Maps the request's thinking settings onto <c>think</c>: a budget of 0 or effort <c>none</c> turns thinking off, any
    /// other budget or effort turns it on, neither leaves the model's default.
    /// </summary>
    public static bool? Think(ChatRequest request)
    {
        if (request.ThinkingBudgetTokens is 0 || string.Equals(request.ReasoningEffort?.Trim(), "none", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return request.ThinkingBudgetTokens is not null || !string.IsNullOrWhiteSpace(request.ReasoningEffort) ? true : null;
    }

    /// <summary>The id of a call: Ollama's when it sent one, else <c>call_&lt;index&gt;_&lt;name&gt;</c>.</summary>
    public static string CallId(string? id, int index, string? name) =>
        string.IsNullOrEmpty(id) ? $"call_{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}_{name}" : id;

    /// <summary>Maps <c>done_reason</c>: <c>length</c> is <c>length</c>; tool calls make it <c>tool_calls</c>; anything else is <c>stop</c>.</summary>
    public static string FinishReason(string? doneReason, bool calledTools) =>
        calledTools ? FinishReasons.ToolCalls
        : string.Equals(doneReason, "length", StringComparison.Ordinal) ? FinishReasons.Length
        : FinishReasons.Stop;

    /// <summary>Reads a complete (non-streamed) response.</summary>
    public static LlmResponse FromWire(OllamaChatResponse wire, string requestedModel)
    {
        var message = wire.Message;
        var calls = message?.ToolCalls is { Count: > 0 } toolCalls
            ? toolCalls.Select((c, i) => new ToolCall { Id = CallId(c.Id, i, c.Function?.Name), Name = c.Function?.Name ?? string.Empty, Arguments = ArgumentsText(c.Function?.Arguments) }).ToList()
            : null;
        return new LlmResponse
        {
            Success = true,
            Content = message?.Content ?? string.Empty,
            Reasoning = string.IsNullOrEmpty(message?.Thinking) ? null : message.Thinking,
            ToolCalls = calls,
            FinishReason = FinishReason(wire.DoneReason, calls is not null),
            ModelUsed = wire.Model ?? requestedModel,
            PromptTokens = wire.PromptEvalCount,
            CompletionTokens = wire.EvalCount,
            TotalTokens = wire.PromptEvalCount + wire.EvalCount,
        };
    }

    /// <summary>
    /// Reads one stream line into an update; <see langword="null"/> when the line carries nothing. Ollama sends each tool
    /// call whole on one line, so each becomes one fragment with the next index (<paramref name="toolCallCount"/> counts
    /// the calls so far); the <c>done</c> line carries the finish reason and usage.
    /// </summary>
    public static ChatStreamUpdate? FromLine(OllamaChatResponse line, ref int toolCallCount)
    {
        List<ToolCallUpdate>? calls = null;
        foreach (var call in line.Message?.ToolCalls ?? Enumerable.Empty<OllamaToolCall>())
        {
            var index = toolCallCount++;
            (calls ??= new()).Add(new ToolCallUpdate { Index = index, Id = CallId(call.Id, index, call.Function?.Name), Name = call.Function?.Name ?? string.Empty, ArgumentsDelta = ArgumentsText(call.Function?.Arguments) });
        }

        var content = line.Message?.Content;
        var thinking = line.Message?.Thinking;
        if (string.IsNullOrEmpty(content) && string.IsNullOrEmpty(thinking) && calls is null && !line.Done)
        {
            return null;
        }

        return new ChatStreamUpdate
        {
            ContentDelta = string.IsNullOrEmpty(content) ? null : content,
            ReasoningDelta = string.IsNullOrEmpty(thinking) ? null : thinking,
            ToolCalls = calls,
            FinishReason = line.Done ? FinishReason(line.DoneReason, toolCallCount > 0) : null,
            Usage = line.Done ? new LlmUsage { PromptTokens = line.PromptEvalCount, CompletionTokens = line.EvalCount, TotalTokens = line.PromptEvalCount + line.EvalCount } : null,
            ModelUsed = line.Model,
        };
    }

    /// <summary>A tool call's arguments as JSON text: the object as sent, a string's text, or <c>{}</c> when absent.</summary>
    public static string ArgumentsText(JsonElement? arguments) => arguments switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString() ?? "{}",
        { ValueKind: JsonValueKind.Object or JsonValueKind.Array } json => json.GetRawText(),
        _ => "{}",
    };

    private static List<string>? Images(ChatMessage message)
    {
        if (message.Parts is not { Count: > 0 } parts)
        {
            return null;
        }

        var images = new List<string>();
        foreach (var part in parts.Where(p => p.Kind == ContentPartKind.Image))
        {
            if (part.TryGetImageBytes(out var data, out _))
            {
                images.Add(Convert.ToBase64String(data.Span));
            }
        }

        return images.Count > 0 ? images : null;
    }

    private static List<OllamaTool>? OfferedTools(ChatRequest request)
    {
        if (request.Tools is not { Count: > 0 } tools || request.ToolChoice?.Mode == ToolChoiceMode.None)
        {
            return null;
        }

        if (request.ToolChoice is { Mode: ToolChoiceMode.Function, FunctionName: { } only } && tools.Any(t => t.Name == only))
        {
            tools = tools.Where(t => t.Name == only).ToList();
        }

        return tools.Select(t => new OllamaTool
        {
            Type = "function",
            Function = new OllamaFunctionDefinition { Name = t.Name, Description = t.Description, Parameters = t.Parameters },
        }).ToList();
    }

    private static OllamaOptions? Options(ChatRequest request, int? defaultMaxTokens, double? defaultTemperature)
    {
        var options = new OllamaOptions
        {
            Temperature = request.Temperature ?? defaultTemperature,
            TopP = request.TopP,
            TopK = request.TopK,
            NumPredict = request.MaxTokens ?? defaultMaxTokens,
            Stop = request.Stop is { Count: > 0 } stop ? stop : null,
            Seed = request.Seed,
            PresencePenalty = request.PresencePenalty,
            FrequencyPenalty = request.FrequencyPenalty,
        };
        return options is { Temperature: null, TopP: null, TopK: null, NumPredict: null, Stop: null, Seed: null, PresencePenalty: null, FrequencyPenalty: null }
            ? null
            : options;
    }
}
