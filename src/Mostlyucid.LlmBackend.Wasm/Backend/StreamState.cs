using System.Text.Json;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Wasm.Abi;

namespace Mostlyucid.LlmBackend.Wasm.Backend;

/// <summary>
/// Turns a plugin's stream chunks (QueryMT's <c>StreamChunk</c>) into the library's stream updates. A tool call the
/// plugin only reports when complete (no start or argument deltas before it) is sent whole; the structured chunks of
/// QueryMT's newest builds are projections of the legacy ones and are skipped. The first <c>done</c> ends the answer, as
/// in QueryMT: its OpenAI-family parsers report the real reason and then <c>Stop</c> again at <c>[DONE]</c>, so after the
/// first only usage is still taken.
/// </summary>
internal sealed class StreamState
{
    private readonly HashSet<int> _streamedToolCalls = new();

    /// <summary>Gets whether the plugin reported the end of the answer.</summary>
    public bool Done { get; private set; }

    public IEnumerable<ChatStreamUpdate> Apply(List<JsonElement> chunks, string? model)
    {
        foreach (var chunk in chunks)
        {
            if (chunk.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var property in chunk.EnumerateObject())
            {
                if (ToUpdate(property.Name, property.Value) is { } update)
                {
                    update.ModelUsed = model;
                    yield return update;
                }
            }
        }
    }

    private ChatStreamUpdate? ToUpdate(string kind, JsonElement value)
    {
        if (Done && kind != "usage")
        {
            return null;
        }

        switch (kind)
        {
            case "text" when value.ValueKind == JsonValueKind.String:
                return new ChatStreamUpdate { ContentDelta = value.GetString() };
            case "thinking" when value.ValueKind == JsonValueKind.String:
                return new ChatStreamUpdate { ReasoningDelta = value.GetString() };
            case "thinking_signature" when value.ValueKind == JsonValueKind.String:
                return new ChatStreamUpdate { ReasoningSignature = value.GetString() };
            case "tool_use_start":
            {
                var index = QueryMtResults.Int(value, "index") ?? 0;
                _streamedToolCalls.Add(index);
                return new ChatStreamUpdate { ToolCalls = new() { new ToolCallUpdate { Index = index, Id = QueryMtResults.String(value, "id"), Name = QueryMtResults.String(value, "name") } } };
            }

            case "tool_use_input_delta":
            {
                var index = QueryMtResults.Int(value, "index") ?? 0;
                _streamedToolCalls.Add(index);
                return new ChatStreamUpdate { ToolCalls = new() { new ToolCallUpdate { Index = index, ArgumentsDelta = QueryMtResults.String(value, "partial_json") } } };
            }

            case "tool_use_complete":
            {
                var index = QueryMtResults.Int(value, "index") ?? 0;
                if (_streamedToolCalls.Contains(index) || !value.TryGetProperty("tool_call", out var call))
                {
                    return null;
                }

                var complete = QueryMtResults.ToolCallFrom(call);
                return new ChatStreamUpdate { ToolCalls = new() { new ToolCallUpdate { Index = index, Id = complete.Id, Name = complete.Name, ArgumentsDelta = complete.Arguments } } };
            }

            case "usage" when value.ValueKind == JsonValueKind.Object:
            {
                var (input, output) = QueryMtResults.Usage(value);
                return new ChatStreamUpdate { Usage = new LlmUsage { PromptTokens = input, CompletionTokens = output, TotalTokens = input + output } };
            }

            case "done":
            {
                Done = true;
                var reason = value.ValueKind == JsonValueKind.Object
                    ? QueryMtResults.String(value, "finish_reason") ?? QueryMtResults.String(value, "stop_reason")
                    : null;
                return new ChatStreamUpdate { FinishReason = QueryMtResults.FinishReason(reason) ?? FinishReasons.Stop };
            }

            default:
                return null;
        }
    }
}
