using System.Security.Cryptography;
using System.Text.Json;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Caching;

/// <summary>
/// The cache key of a request: the SHA-256 of a canonical JSON form of everything that changes the answer — operation,
/// model (trimmed, case-folded: routes and backends are matched that way), preferred backend, messages (a string content
/// and one text part are the same; documents with their titles; <c>cache_control</c> marks), tools, tool choice, response
/// format, log probabilities, every sampling parameter, every extension parameter and what passes through to a backend of
/// the caller's format (fields and headers) (JSON objects with their keys sorted, so the order a client wrote them in does
/// not matter), and the scope
/// (a caller's name when answers are per caller). Never the caller's key, the request id or <c>user</c>.
/// </summary>
internal static class ResponseCacheKeys
{
    /// <summary>The key of a chat request (streamed or not: both are served from one entry).</summary>
    public static string For(ChatRequest request, string? scope, string prefix)
    {
        return Hashed(request, scope, prefix, "chat:", static (json, request, scope) =>
        {
            json.WriteStartObject();
            json.WriteString("op", "chat");
            Scope(json, scope);
            Common(json, request);
            json.WriteStartArray("messages");
            foreach (var message in request.Messages)
            {
                Message(json, message);
            }

            json.WriteEndArray();
            if (request.Tools is { Count: > 0 } tools)
            {
                json.WriteStartArray("tools");
                foreach (var tool in tools)
                {
                    json.WriteStartObject();
                    json.WriteString("name", tool.Name);
                    Optional(json, "description", tool.Description);
                    if (tool.Parameters is { } parameters)
                    {
                        json.WritePropertyName("parameters");
                        Canonical(json, parameters);
                    }

                    Optional(json, "strict", tool.Strict);
                    Optional(json, "cache_control", tool.CacheControl);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            if (request.ToolChoice is { } choice)
            {
                json.WriteString("tool_choice", choice.Mode.ToString());
                Optional(json, "tool_choice_function", choice.FunctionName);
            }

            Optional(json, "parallel_tool_calls", request.ParallelToolCalls);
            if (request.ResponseFormat is { } format)
            {
                json.WriteString("format", format.Kind.ToString());
                Optional(json, "format_name", format.SchemaName);
                Optional(json, "format_strict", format.Strict);
                if (format.Schema is { } schema)
                {
                    json.WritePropertyName("format_schema");
                    Canonical(json, schema);
                }
            }

            Optional(json, "reasoning_effort", request.ReasoningEffort);
            Optional(json, "thinking_budget", request.ThinkingBudgetTokens);
            Optional(json, "logprobs", request.Logprobs);
            Optional(json, "top_logprobs", request.TopLogprobs);
            json.WriteEndObject();
        });
    }

    /// <summary>The key of a completion request.</summary>
    public static string For(LlmRequest request, string? scope, string prefix)
    {
        return Hashed(request, scope, prefix, "completion:", static (json, request, scope) =>
        {
            json.WriteStartObject();
            json.WriteString("op", "completion");
            Scope(json, scope);
            Common(json, request);
            json.WriteString("prompt", request.Prompt);
            Optional(json, "system", request.SystemPrompt);
            json.WriteEndObject();
        });
    }

    /// <summary>The key of an embedding request.</summary>
    public static string For(EmbeddingRequest request, string? scope, string prefix)
    {
        return Hashed(request, scope, prefix, "embedding:", static (json, request, scope) =>
        {
            json.WriteStartObject();
            json.WriteString("op", "embedding");
            Scope(json, scope);
            Optional(json, "model", Fold(request.Model));
            Optional(json, "backend", Fold(request.PreferredBackend));
            Optional(json, "dimensions", request.Dimensions);
            Optional(json, "input_type", request.InputType);
            json.WriteStartArray("inputs");
            foreach (var input in request.Inputs)
            {
                json.WriteStringValue(input);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static void Scope(Utf8JsonWriter json, string? scope) => Optional(json, "scope", scope);

    private static void Common(Utf8JsonWriter json, LlmRequestBase request)
    {
        Optional(json, "model", Fold(request.Model));
        Optional(json, "backend", Fold(request.PreferredBackend));
        Optional(json, "temperature", request.Temperature);
        Optional(json, "max_tokens", request.MaxTokens);
        Optional(json, "top_p", request.TopP);
        Optional(json, "top_k", request.TopK);
        Optional(json, "seed", request.Seed);
        Optional(json, "frequency_penalty", request.FrequencyPenalty);
        Optional(json, "presence_penalty", request.PresencePenalty);
        if (request.Stop is { Count: > 0 } stop)
        {
            json.WriteStartArray("stop");
            foreach (var sequence in stop)
            {
                json.WriteStringValue(sequence);
            }

            json.WriteEndArray();
        }

        if (request.AdditionalProperties is { Count: > 0 } extensions)
        {
            json.WriteStartObject("extensions");
            foreach (var (name, value) in extensions.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WritePropertyName(name);
                Canonical(json, value);
            }

            json.WriteEndObject();
        }

        if (request.PassThrough is { IsEmpty: false } passThrough)
        {
            // What reaches a backend of the caller's format untranslated (fields, and headers such as anthropic-beta).
            json.WriteStartObject("pass_through");
            json.WriteString("format", passThrough.Format);
            json.WriteStartObject("fields");
            foreach (var (name, value) in passThrough.Fields.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WritePropertyName(name);
                Canonical(json, value);
            }

            json.WriteEndObject();
            json.WriteStartObject("headers");
            foreach (var (name, value) in passThrough.Headers.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
            {
                json.WriteString(name.ToLowerInvariant(), value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }
    }

    private static void Message(Utf8JsonWriter json, ChatMessage message)
    {
        json.WriteStartObject();
        json.WriteString("role", message.Role.Trim().ToLowerInvariant());
        json.WriteStartArray("parts");
        if (message.Parts is { Count: > 0 } parts)
        {
            foreach (var part in parts)
            {
                Part(json, part);
            }
        }
        else if (!string.IsNullOrEmpty(message.Content))
        {
            // Plain text is one text part, as GetParts() makes it, written without making the part.
            json.WriteStartObject();
            json.WriteString("kind", nameof(ContentPartKind.Text));
            json.WriteString("text", message.Content);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (message.ToolCalls is { Count: > 0 } calls)
        {
            json.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                json.WriteStartObject();
                json.WriteString("id", call.Id);
                json.WriteString("name", call.Name);
                json.WritePropertyName("arguments");
                CanonicalText(json, call.Arguments);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        Optional(json, "tool_call_id", message.ToolCallId);
        Optional(json, "name", message.Name);
        Optional(json, "reasoning", message.Reasoning);
        Optional(json, "reasoning_signature", message.ReasoningSignature);
        json.WriteEndObject();
    }

    private static void Part(Utf8JsonWriter json, ContentPart part)
    {
        json.WriteStartObject();
        json.WriteString("kind", part.Kind.ToString());
        Optional(json, "text", part.Text);
        Optional(json, "url", part.Url);
        if (part.Data is { } data)
        {
            // The bytes' hash stands for them: the key stays small however large the image.
            json.WriteString("data", Convert.ToHexString(SHA256.HashData(data.Span)));
        }

        Optional(json, "media_type", part.MediaType);
        Optional(json, "detail", part.Detail);
        Optional(json, "title", part.Title);
        Optional(json, "cache_control", part.CacheControl);
        json.WriteEndObject();
    }

    /// <summary>A tool call's arguments: canonical when they are JSON, as written when not.</summary>
    private static void CanonicalText(Utf8JsonWriter json, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            Canonical(json, document.RootElement);
        }
        catch (JsonException)
        {
            json.WriteStringValue(text);
        }
    }

    /// <summary>Writes a JSON value with every object's properties in ordinal order, so property order never changes a key.</summary>
    private static void Canonical(Utf8JsonWriter json, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                json.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    json.WritePropertyName(property.Name);
                    Canonical(json, property.Value);
                }

                json.WriteEndObject();
                break;
            case JsonValueKind.Array:
                json.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Canonical(json, item);
                }

                json.WriteEndArray();
                break;
            case JsonValueKind.Number:
                // 1, 1.0 and 1e0 are one number.
                json.WriteNumberValue(element.GetDouble());
                break;
            default:
                element.WriteTo(json);
                break;
        }
    }

    private static string? Fold(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim().ToLowerInvariant();

    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void Optional(Utf8JsonWriter json, string name, JsonElement? value)
    {
        if (value is { } element)
        {
            json.WritePropertyName(name);
            Canonical(json, element);
        }
    }

    private static void Optional(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }

    private static void Optional(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }

    private static void Optional(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }

    private static void Optional(Utf8JsonWriter json, string name, bool? value)
    {
        if (value is { } flag)
        {
            json.WriteBoolean(name, flag);
        }
    }

    /// <summary>Writes a request's canonical form into a reused SHA-256 writer and returns the key.</summary>
    private static string Hashed<TRequest>(TRequest request, string? scope, string prefix, string operation, Action<Utf8JsonWriter, TRequest, string?> write)
    {
        var hasher = CanonicalJsonHasher.Rent();
        try
        {
            write(hasher.Json, request, scope);
            return hasher.Complete(prefix, operation);
        }
        catch
        {
            hasher.Dispose();
            throw;
        }
    }
}
