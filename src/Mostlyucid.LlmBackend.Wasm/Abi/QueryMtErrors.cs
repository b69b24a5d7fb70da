using System.Text;
using System.Text.Json;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Wasm.Carriers;

namespace Mostlyucid.LlmBackend.Wasm.Abi;

/// <summary>
/// Turns a plugin's error (QueryMT's <c>{"payload": LLMErrorPayload}</c>, tagged by <c>type</c>, or plain text) and the
/// sandbox's own failures into the library's <see cref="LlmErrorKind"/>, so retries, failover and breakers treat plugin
/// backends like built-in ones.
/// </summary>
internal static class QueryMtErrors
{
    /// <summary>Classifies a failed plugin call.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="backend">The backend's name.</param>
    /// <param name="function">The plugin function that failed.</param>
    /// <returns>The error.</returns>
    public static LlmError From(PluginCallException exception, string backend, string function)
    {
        if (exception.Failure != PluginFailure.PluginError)
        {
            // The sandbox stopped the call: a slow call is a time-out (fail over); a trap, a lost instance or a crashed
            // runtime says the plugin is broken (fail over, and count against the backend).
            return new LlmError
            {
                Kind = exception.Failure == PluginFailure.Timeout ? LlmErrorKind.Timeout : LlmErrorKind.Unknown,
                Message = $"Backend '{backend}': the plugin's {function} failed ({Describe(exception.Failure)}): {exception.Message}",
                BackendName = backend,
                ProviderCode = exception.Failure.ToString(),
            };
        }

        var (kind, message, code, retryAfter, status) = Payload(exception.Message);
        return new LlmError
        {
            Kind = kind,
            Message = $"Backend '{backend}': the plugin's {function} reported: {message}",
            BackendName = backend,
            ProviderCode = code,
            RetryAfter = retryAfter,
            StatusCode = status,
        };
    }

    /// <summary>
    /// Reads a plugin's verdict on a refused chat (<c>classify_chat_error</c>'s <c>{"payload": LLMErrorPayload}</c>), or
    /// returns <see langword="null"/> when the output is not one.
    /// </summary>
    /// <param name="json">The export's output.</param>
    /// <param name="backend">The backend's name.</param>
    /// <param name="status">The HTTP status the provider answered.</param>
    /// <returns>The error, or <see langword="null"/>.</returns>
    public static LlmError? FromPayload(ReadOnlySpan<byte> json, string backend, int status)
    {
        if (!TryPayload(Encoding.UTF8.GetString(json), out var payload))
        {
            return null;
        }

        var (kind, message, code, retryAfter, _) = payload;
        return new LlmError
        {
            Kind = kind,
            Message = $"Backend '{backend}' answered HTTP {status}: {message}",
            BackendName = backend,
            ProviderCode = code,
            RetryAfter = retryAfter,
            StatusCode = status,
        };
    }

    private static string Describe(PluginFailure failure) => failure switch
    {
        PluginFailure.Timeout => "time limit",
        PluginFailure.Trap => "trap",
        PluginFailure.InstanceLost => "instance restarted",
        PluginFailure.RuntimeCrashed => "runtime crashed",
        PluginFailure.LoadFailed => "not loaded",
        _ => "host error",
    };

    private static (LlmErrorKind Kind, string Message, string? Code, TimeSpan? RetryAfter, int? Status) Payload(string text) =>
        TryPayload(text, out var payload) ? payload : (LlmErrorKind.Unknown, text, null, null, null);

    private static bool TryPayload(string text, out (LlmErrorKind Kind, string Message, string? Code, TimeSpan? RetryAfter, int? Status) result)
    {
        result = default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var type = QueryMtResults.String(payload, "type") ?? "generic_error";
            var message = QueryMtResults.String(payload, "message") ?? type;
            var context = payload.TryGetProperty("context", out var c) && c.ValueKind == JsonValueKind.Object ? c : payload;
            var retryAfter = QueryMtResults.Int(context, "retry_after_secs") is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            var status = QueryMtResults.Int(payload, "status_code");
            var kind = type switch
            {
                "rate_limited" => LlmErrorKind.RateLimited,
                "auth_error" => LlmErrorKind.Unauthorized,
                "invalid_request" or "tool_config_error" or "invalid_url" => LlmErrorKind.InvalidRequest,
                "response_format_error" or "json_error" => LlmErrorKind.InvalidResponse,
                "http_status" when status is { } s => Resilience.LlmErrorClassifier.FromStatus(s, null, message),
                "transport" => QueryMtResults.String(payload, "kind") == "timeout" ? LlmErrorKind.Timeout : LlmErrorKind.Network,
                "http_error" or "io_error" or "remote_stream_disconnected" => LlmErrorKind.Network,
                "provider_error" => ProviderKind(context),
                _ => LlmErrorKind.Unknown,
            };
            result = (kind, message, QueryMtResults.String(context, "code") ?? type, retryAfter, status);
            return true;
        }
    }

    private static LlmErrorKind ProviderKind(JsonElement context) => QueryMtResults.String(context, "kind") switch
    {
        "server_overloaded" or "unknown_transient" => LlmErrorKind.ServerError,
        "rate_limited" or "quota_exceeded" => LlmErrorKind.RateLimited,
        "context_window_exceeded" => LlmErrorKind.ContextLengthExceeded,
        "authentication" => LlmErrorKind.Unauthorized,
        "invalid_request" => LlmErrorKind.InvalidRequest,
        null when context.TryGetProperty("transient", out var transient) && transient.ValueKind == JsonValueKind.True => LlmErrorKind.ServerError,
        _ => LlmErrorKind.Unknown,
    };
}
