using System.Globalization;
using System.Text.Json;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Validation;

/// <summary>
/// Checks a request before it is routed: every number finite and in range, nothing missing that every provider needs,
/// every text valid Unicode. A problem is an <see cref="LlmErrorKind.InvalidRequest"/> error whose
/// <see cref="LlmError.Parameter"/> names the parameter as the HTTP APIs do (<c>temperature</c>, <c>messages[2].content</c>).
/// </summary>
/// <remarks>
/// The ranges are the widest any supported provider accepts, so a request valid for one provider is not refused here:
/// <list type="table">
/// <item><term>temperature</term><description>0 to <see cref="MaxTemperature"/></description></item>
/// <item><term>top_p</term><description>0 to 1</description></item>
/// <item><term>top_k</term><description>0 or more</description></item>
/// <item><term>max_tokens, thinking.budget_tokens, dimensions, n</term><description>1 or more</description></item>
/// <item><term>frequency_penalty, presence_penalty</term><description>−2 to 2</description></item>
/// <item><term>top_logprobs</term><description>0 to 20</description></item>
/// <item><term>logit_bias values</term><description>−100 to 100</description></item>
/// </list>
/// A provider with a narrower range (Anthropic's temperature is 0–1) still answers 400 itself, which is reported as the
/// caller's error and never held against the backend.
/// </remarks>
public static class RequestValidator
{
    /// <summary>The highest temperature accepted.</summary>
    public const double MaxTemperature = 2;

    /// <summary>The largest penalty (frequency, presence) accepted either way.</summary>
    public const double MaxPenalty = 2;

    /// <summary>Checks a chat request.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see langword="null"/> when it may be sent; otherwise why not.</returns>
    public static LlmError? Validate(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Options(request) is { } problem)
        {
            return problem;
        }

        if (request.Messages is not { Count: > 0 })
        {
            return Invalid("messages", "messages must contain at least one message.");
        }

        for (var i = 0; i < request.Messages.Count; i++)
        {
            if (Message(request.Messages[i], i) is { } messageProblem)
            {
                return messageProblem;
            }
        }

        if (request.Tools is { } tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                if (tools[i] is null || string.IsNullOrWhiteSpace(tools[i].Name))
                {
                    return Invalid($"tools[{i}]", $"tools[{i}] must be a function with a name.");
                }

                if (IsNotSchema(tools[i].Parameters))
                {
                    return NotSchema($"tools[{i}].function.parameters", tools[i].Parameters!.Value);
                }
            }
        }

        if (IsNotSchema(request.ResponseFormat?.Schema))
        {
            return NotSchema("response_format.json_schema.schema", request.ResponseFormat!.Schema!.Value);
        }

        return Positive(request.ThinkingBudgetTokens, "thinking.budget_tokens");
    }

    /// <summary>Checks a completion request.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see langword="null"/> when it may be sent; otherwise why not.</returns>
    public static LlmError? Validate(LlmRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Options(request)
            ?? Text(request.Prompt, "prompt", required: true)
            ?? Text(request.SystemPrompt, "system", required: false);
    }

    /// <summary>Checks an embedding request.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see langword="null"/> when it may be sent; otherwise why not.</returns>
    public static LlmError? Validate(EmbeddingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Inputs is not { Count: > 0 })
        {
            return Invalid("input", "input must contain at least one text to embed.");
        }

        for (var i = 0; i < request.Inputs.Count; i++)
        {
            if (request.Inputs[i] is null || IsBadText(request.Inputs[i]))
            {
                return Text(request.Inputs[i], $"input[{i}]", required: true);
            }
        }

        return Positive(request.Dimensions, "dimensions");
    }

    private static LlmError? Options(LlmRequestBase request) =>
        Range(request.Temperature, "temperature", 0, MaxTemperature)
        ?? Range(request.TopP, "top_p", 0, 1)
        ?? (request.TopK is < 0 ? Invalid("top_k", $"top_k must be 0 or more (found {request.TopK.Value.ToString(CultureInfo.InvariantCulture)}).") : null)
        ?? Positive(request.MaxTokens, "max_tokens")
        ?? Range(request.FrequencyPenalty, "frequency_penalty", -MaxPenalty, MaxPenalty)
        ?? Range(request.PresencePenalty, "presence_penalty", -MaxPenalty, MaxPenalty)
        ?? Stop(request.Stop)
        ?? (request is ChatRequest { TopLogprobs: < 0 or > 20 } chat
            ? Invalid("top_logprobs", $"top_logprobs must be from 0 to 20 (found {chat.TopLogprobs!.Value.ToString(CultureInfo.InvariantCulture)}).")
            : null)
        ?? Extensions(request.AdditionalProperties)
        ?? Extensions(request.PassThrough?.Fields);

    /// <summary>Checks one message. Field names are built only for a problem: this runs for every message of every request.</summary>
    private static LlmError? Message(ChatMessage? message, int index)
    {
        if (message is null)
        {
            return Invalid($"messages[{index}]", $"messages[{index}] must be a message, not null.");
        }

        if (IsBadText(message.Content))
        {
            return BadText($"messages[{index}].content");
        }

        if (IsBadText(message.Name))
        {
            return BadText($"messages[{index}].name");
        }

        if (message.Parts is { } parts)
        {
            for (var i = 0; i < parts.Count; i++)
            {
                if (parts[i] is null)
                {
                    return Invalid($"messages[{index}].content[{i}]", $"messages[{index}].content[{i}] must be a content part, not null.");
                }

                if (IsBadText(parts[i].Text))
                {
                    return BadText($"messages[{index}].content[{i}].text");
                }

                if (IsBadImage(parts[i]))
                {
                    var name = $"messages[{index}].content[{i}].image_url.url";
                    return Invalid(name, $"{name} is not a valid image data URL: write data:<media type>;base64,<base64 data>.");
                }
            }
        }

        if (message.ToolCalls is { } calls)
        {
            for (var i = 0; i < calls.Count; i++)
            {
                if (calls[i] is null)
                {
                    return Invalid($"messages[{index}].tool_calls[{i}]", $"messages[{index}].tool_calls[{i}] must be a tool call, not null.");
                }

                if (IsBadText(calls[i].Arguments))
                {
                    return BadText($"messages[{index}].tool_calls[{i}].function.arguments");
                }
            }
        }

        return null;
    }

    /// <summary>An image given as a <c>data:</c> URL must say it is base64 and decode (providers answer a bad one unpredictably).</summary>
    private static bool IsBadImage(ContentPart part)
    {
        if (part.Kind != ContentPartKind.Image || part.Url is not { } url || !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        return comma < 6 || !url.AsSpan(5, comma - 5).EndsWith(";base64", StringComparison.OrdinalIgnoreCase) || !System.Buffers.Text.Base64.IsValid(url.AsSpan(comma + 1));
    }

    /// <summary>A JSON Schema, when given, is an object (providers answer anything else unpredictably, some with a 5xx).</summary>
    private static bool IsNotSchema(JsonElement? schema) =>
        schema is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) };

    private static LlmError NotSchema(string name, JsonElement value) => Invalid(name, $"{name} must be a JSON Schema object, not {Kind(value)}.");

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "true or false",
    };

    private static LlmError? Stop(List<string>? stop)
    {
        if (stop is null)
        {
            return null;
        }

        for (var i = 0; i < stop.Count; i++)
        {
            if (stop[i] is null || IsBadText(stop[i]))
            {
                return Text(stop[i], $"stop[{i}]", required: true);
            }
        }

        return null;
    }

    /// <summary>Checks the provider-specific fields a client may pass through whose meaning is well known.</summary>
    private static LlmError? Extensions(Dictionary<string, JsonElement>? extensions)
    {
        if (extensions is null)
        {
            return null;
        }

        foreach (var (name, value) in extensions)
        {
            var problem = name switch
            {
                "n" => Number(value, name, 1, int.MaxValue, wholeNumber: true),
                "top_logprobs" => Number(value, name, 0, 20, wholeNumber: true),
                "min_p" => Number(value, name, 0, 1, wholeNumber: false),
                "repetition_penalty" => Number(value, name, double.Epsilon, double.MaxValue, wholeNumber: false),
                "logprobs" when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null) => Invalid(name, "logprobs must be true or false."),
                "logit_bias" => LogitBias(value),
                _ => null,
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static LlmError? LogitBias(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return Invalid("logit_bias", "logit_bias must be an object mapping token ids to numbers from -100 to 100.");
        }

        foreach (var entry in value.EnumerateObject())
        {
            if (!IsNumberIn(entry.Value, -100, 100, wholeNumber: false))
            {
                return Number(entry.Value, $"logit_bias.{entry.Name}", -100, 100, wholeNumber: false);
            }
        }

        return null;
    }

    private static LlmError? Number(JsonElement value, string name, double min, double max, bool wholeNumber)
    {
        if (IsNumberIn(value, min, max, wholeNumber))
        {
            return null;
        }

        var kind = wholeNumber ? "a whole number" : "a number";
        var range = max >= int.MaxValue ? $"of at least {Format(min)}" : $"from {Format(min)} to {Format(max)}";
        var found = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.ValueKind.ToString().ToLowerInvariant();
        return Invalid(name, $"{name} must be {kind} {range} (found {Shorten(found)}).");
    }

    /// <summary>Whether a JSON value is absent (null) or a finite number in range.</summary>
    private static bool IsNumberIn(JsonElement value, double min, double max, bool wholeNumber) =>
        value.ValueKind == JsonValueKind.Null
        || (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            && (!wholeNumber || Math.Floor(number) == number) && number >= min && number <= max);

    private static LlmError? Range(double? value, string name, double min, double max)
    {
        if (value is not { } number)
        {
            return null;
        }

        if (!double.IsFinite(number))
        {
            return Invalid(name, $"{name} must be a finite number from {Format(min)} to {Format(max)} (found a number too large to represent).");
        }

        return number < min || number > max
            ? Invalid(name, $"{name} must be a number from {Format(min)} to {Format(max)} (found {Format(number)}).")
            : null;
    }

    private static LlmError? Positive(int? value, string name) =>
        value is < 1 ? Invalid(name, $"{name} must be 1 or more (found {value.Value.ToString(CultureInfo.InvariantCulture)}).") : null;

    private static LlmError? Text(string? text, string name, bool required)
    {
        if (text is null)
        {
            return required ? Invalid(name, $"{name} is required.") : null;
        }

        return HasUnpairedSurrogate(text) ? BadText(name) : null;
    }

    private static bool IsBadText(string? text) => text is not null && HasUnpairedSurrogate(text);

    private static LlmError BadText(string name) =>
        Invalid(name, $"{name} is not valid Unicode text (it holds half of a surrogate pair); send the text as valid UTF-8.");

    /// <summary>Finds a UTF-16 surrogate without its other half (text that cannot be encoded as UTF-8 without loss).</summary>
    private static bool HasUnpairedSurrogate(string text)
    {
        var span = text.AsSpan();
        var start = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (start < 0)
        {
            return false;
        }

        for (var i = start; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 24 ? text : string.Concat(text.AsSpan(0, 24), "…");

    private static LlmError Invalid(string parameter, string message) => new()
    {
        Kind = LlmErrorKind.InvalidRequest,
        Message = message,
        Parameter = parameter,
    };
}
