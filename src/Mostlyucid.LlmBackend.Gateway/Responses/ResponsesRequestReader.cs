using System.Text.Json;
using System.Text.Json.Nodes;
using Mostlyucid.LlmBackend.Gateway.Http;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// Reads a <c>POST /v1/responses</c> body strictly: every field it knows is type-checked and a wrong one is a 400 naming
/// it (<see cref="JsonFieldReader"/>); optional fields sent as <c>null</c> (<c>reasoning: null</c>, <c>strict: null</c>,
/// …) count as absent. What the gateway cannot do is refused by name (<c>background</c>, <c>conversation</c>,
/// <c>prompt</c>, built-in tools); what only concerns OpenAI's own servers (<c>include</c>, <c>prompt_cache_key</c>,
/// <c>safety_identifier</c>, <c>service_tier</c>, <c>top_logprobs</c>, <c>stream_options</c>) is accepted and not sent on.
/// The input items are checked later, once references to stored items are resolved (<see cref="ResponsesInputConverter"/>).
/// </summary>
internal static class ResponsesRequestReader
{
    private static readonly string[] Refused = { "background", "conversation", "prompt" };

    /// <summary>The fields accepted and type-checked but not sent on: they only concern OpenAI's own servers.</summary>
    public static readonly IReadOnlyList<string> Ignored = new[] { "include", "prompt_cache_key", "prompt_cache_retention", "service_tier", "top_logprobs", "stream_options", "truncation", "max_tool_calls" };

    /// <summary>Reads the body.</summary>
    /// <returns>The request, or the problem to answer with.</returns>
    public static (ResponsesRequest? Request, ResponsesProblem? Problem) Read(JsonNode body)
    {
        if (body is not JsonObject root)
        {
            return (null, new ResponsesProblem($"The request body must be a JSON object, not {JsonFieldReader.Describe(body)}.", null));
        }

        var fields = new JsonFieldReader();
        var model = fields.String(root, "model", "model", required: true);
        var previous = fields.String(root, "previous_response_id", "previous_response_id");
        var input = Input(fields, root, requireInput: previous is null);
        var maxOutput = fields.Integer(root, "max_output_tokens", "max_output_tokens");
        var maxToolCalls = fields.Integer(root, "max_tool_calls", "max_tool_calls");
        var reasoning = fields.Object(root, "reasoning", "reasoning");
        var effort = fields.String(reasoning, "effort", "reasoning.effort");
        var summary = fields.String(reasoning, "summary", "reasoning.summary");
        var metadata = Metadata(fields, fields.Object(root, "metadata", "metadata"));
        CheckAccepted(fields, root);
        foreach (var name in Refused)
        {
            if (fields.Problem is null && root[name] is { } value && !(value.GetValueKind() == JsonValueKind.False))
            {
                fields.Fail<string>($"{name}: is not supported by this gateway ({Why(name)}); leave it out");
            }
        }

        if (fields.Problem is null && string.IsNullOrWhiteSpace(model))
        {
            fields.Fail<string>("model: must name a model");
        }

        if (fields.Problem is null && maxOutput is < 1)
        {
            fields.Fail<string>($"max_output_tokens: must be 1 or more (found {maxOutput})");
        }

        var chat = new ChatRequest
        {
            Model = model,
            Temperature = fields.Number(root, "temperature", "temperature"),
            TopP = fields.Number(root, "top_p", "top_p"),
            MaxTokens = maxOutput,
            User = fields.String(root, "user", "user") ?? fields.String(root, "safety_identifier", "safety_identifier"),
            ParallelToolCalls = fields.Boolean(root, "parallel_tool_calls", "parallel_tool_calls"),
            ReasoningEffort = effort,
        };
        var tools = ResponsesToolReader.Read(fields, fields.Array(root, "tools", "tools"), chat);
        var toolChoice = ResponsesToolReader.ReadChoice(fields, root["tool_choice"], chat);
        var text = ResponsesTextFormatReader.Read(fields, fields.Object(root, "text", "text"), chat);
        var truncation = fields.String(root, "truncation", "truncation");
        if (truncation is not (null or "auto" or "disabled"))
        {
            fields.Fail<string>($"truncation: must be 'auto' or 'disabled', not '{JsonFieldReader.Quote(truncation)}'");
        }

        var request = new ResponsesRequest
        {
            Chat = chat,
            Model = model ?? string.Empty,
            Stream = fields.Boolean(root, "stream", "stream") ?? false,
            Store = fields.Boolean(root, "store", "store") ?? true,
            PreviousResponseId = previous,
            Instructions = fields.String(root, "instructions", "instructions"),
            Input = input,
            Tools = tools,
            ToolChoice = toolChoice,
            Text = text,
            Reasoning = new JsonObject { ["effort"] = effort, ["summary"] = summary },
            Metadata = metadata,
            MaxOutputTokens = maxOutput,
            MaxToolCalls = maxToolCalls,
            ParallelToolCalls = chat.ParallelToolCalls ?? true,
            Truncation = truncation ?? "disabled",
            ServiceTier = fields.String(root, "service_tier", "service_tier"),
        };
        return ResponsesProblem.From(fields) is { } problem ? (null, problem) : (request, null);
    }

    /// <summary>The input as items: a string is one user message; a list must hold objects (checked in detail later).</summary>
    private static JsonArray Input(JsonFieldReader fields, JsonObject root, bool requireInput)
    {
        var node = root["input"];
        if (node is null)
        {
            return requireInput ? fields.Fail<JsonArray>("input: Field required (a string, or a list of input items)") ?? new JsonArray() : new JsonArray();
        }

        if (node.GetValueKind() == JsonValueKind.String)
        {
            var text = fields.StringValue(node, "input") ?? string.Empty;
            return new JsonArray(new JsonObject
            {
                ["type"] = "message",
                ["role"] = "user",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = text }),
            });
        }

        if (node is not JsonArray items)
        {
            return fields.Fail<JsonArray>($"input: must be a string or a list of input items, not {JsonFieldReader.Describe(node)}") ?? new JsonArray();
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (!fields.IsObject(items[i], $"input[{i}]"))
            {
                break;
            }
        }

        if (fields.Problem is null && items.Count == 0 && requireInput)
        {
            fields.Fail<string>("input: must hold at least one item");
        }

        return (JsonArray)items.DeepClone();
    }

    /// <summary>Metadata: an object of up to 16 string values, echoed back.</summary>
    private static JsonObject Metadata(JsonFieldReader fields, JsonObject? metadata)
    {
        var echoed = new JsonObject();
        if (metadata is null)
        {
            return echoed;
        }

        if (metadata.Count > 16)
        {
            return fields.Fail<JsonObject>($"metadata: may hold at most 16 keys (found {metadata.Count})") ?? echoed;
        }

        foreach (var (key, _) in metadata)
        {
            echoed[key] = fields.String(metadata, key, $"metadata.{key}");
        }

        return echoed;
    }

    /// <summary>Type-checks the fields that are accepted but only matter to OpenAI's own servers.</summary>
    private static void CheckAccepted(JsonFieldReader fields, JsonObject root)
    {
        var include = fields.Array(root, "include", "include");
        for (var i = 0; include is not null && i < include.Count; i++)
        {
            fields.StringValue(include[i], $"include[{i}]");
        }

        fields.String(root, "prompt_cache_key", "prompt_cache_key");
        fields.Integer(root, "top_logprobs", "top_logprobs");
        fields.Object(root, "stream_options", "stream_options");
    }

    private static string Why(string field) => field switch
    {
        "background" => "it answers every request while the client waits; send the request without background, or stream it",
        "conversation" => "OpenAI's Conversations API is not served here; pass previous_response_id or the earlier items instead",
        _ => "stored prompt templates live on OpenAI's servers; send the instructions and input themselves",
    };
}
