using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>
/// QueryMT's host-side classification of a non-2xx response (<c>classify_http_status</c>), as the
/// <c>{"payload": LLMErrorPayload}</c> a plugin reads when a stream it opened with <c>qmt_http_stream_open</c> is refused:
/// 401/403 auth, 429 rate limited, 400 invalid request, 5xx http_status, anything else a provider error. The message is
/// the body's <c>error.message</c> (or the body, or "HTTP n"); the retry-after comes from the headers or the body.
/// </summary>
internal static class QueryMtHttpStatus
{
    /// <summary>Builds the payload JSON for a refused response.</summary>
    public static string Payload(int status, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body)
    {
        var (message, retryAfter) = MessageAndRetry(status, headers, body);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("payload");
            switch (status)
            {
                case 499:
                    writer.WriteString("type", "cancelled");
                    break;
                case 401 or 403:
                    writer.WriteString("type", "auth_error");
                    writer.WriteString("message", message);
                    break;
                case 429:
                    writer.WriteString("type", "rate_limited");
                    writer.WriteString("message", message);
                    WriteRetry(writer, retryAfter);
                    break;
                case 400:
                    writer.WriteString("type", "invalid_request");
                    writer.WriteString("message", message);
                    break;
                case >= 500 and < 600:
                    writer.WriteString("type", "http_status");
                    writer.WriteNumber("status_code", status);
                    writer.WriteString("message", message);
                    WriteRetry(writer, retryAfter);
                    break;
                default:
                    writer.WriteString("type", "provider_error");
                    writer.WriteString("message", message);
                    break;
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteRetry(Utf8JsonWriter writer, long? retryAfter)
    {
        if (retryAfter is { } seconds)
        {
            writer.WriteNumber("retry_after_secs", seconds);
        }
        else
        {
            writer.WriteNull("retry_after_secs");
        }
    }

    private static (string Message, long? RetryAfter) MessageAndRetry(int status, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body)
    {
        long? retry = RetryFromHeaders(headers);
        string? message = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (JsonDocument.TryParseValue(ref reader, out var document))
            {
                using (document)
                {
                    var root = document.RootElement;
                    if (root.ValueKind == JsonValueKind.Object)
                    {
                        var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : (JsonElement?)null;
                        message = error is { } detail && detail.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                        retry ??= Seconds(error, "retry_after") ?? Seconds(error, "retry_after_secs") ?? Seconds(root, "retry_after") ?? Seconds(root, "retry_after_secs");
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text itself is the message.
        }

        if (string.IsNullOrWhiteSpace(message))
        {
            var text = Encoding.UTF8.GetString(body).Trim();
            message = text.Length > 0 ? text : $"HTTP {status}";
        }

        return (message, retry);
    }

    private static long? RetryFromHeaders(IReadOnlyDictionary<string, string> headers)
    {
        if (headers.TryGetValue("retry-after", out var value))
        {
            if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return seconds;
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                return Math.Max(0, (long)Math.Ceiling((date - DateTimeOffset.UtcNow).TotalSeconds));
            }
        }

        if (headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return (long)Math.Ceiling(milliseconds / 1000);
        }

        return null;
    }

    private static long? Seconds(JsonElement? element, string name)
    {
        if (element is not { ValueKind: JsonValueKind.Object } value || !value.TryGetProperty(name, out var field))
        {
            return null;
        }

        return field.ValueKind switch
        {
            JsonValueKind.Number when field.TryGetDouble(out var seconds) => (long)Math.Ceiling(seconds),
            JsonValueKind.String when double.TryParse(field.GetString()?.TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) => (long)Math.Ceiling(seconds),
            _ => null,
        };
    }
}
