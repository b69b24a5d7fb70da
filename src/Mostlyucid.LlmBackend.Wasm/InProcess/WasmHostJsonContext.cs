using System.Text.Json.Serialization;

namespace Mostlyucid.LlmBackend.Wasm.InProcess;

/// <summary><c>{"status":"ok","stream_id"}</c>: QueryMT's answer to an opened stream.</summary>
/// <param name="StreamId">The stream's id.</param>
internal sealed record StreamOpened([property: JsonPropertyName("stream_id")] long StreamId)
{
    [JsonPropertyName("status")]
    [JsonPropertyOrder(-1)]
    public string Status { get; init; } = "ok";
}

/// <summary><c>{"status":"error","plugin_error","error_code":1}</c>: a refused stream, the error as PluginError JSON text.</summary>
/// <param name="PluginError">The <c>{"payload": …}</c> JSON, as a string.</param>
internal sealed record StreamOpenFailed([property: JsonPropertyName("plugin_error")] string PluginError)
{
    [JsonPropertyName("status")]
    [JsonPropertyOrder(-1)]
    public string Status { get; init; } = "error";

    [JsonPropertyName("error_code")]
    public int ErrorCode { get; init; } = 1;
}

/// <summary><c>{"payload":{"type":"transport",…}}</c>: a stream that could not be opened at all.</summary>
/// <param name="Payload">The payload.</param>
internal sealed record TransportFailure([property: JsonPropertyName("payload")] TransportPayload Payload);

/// <summary>QueryMT's transport error payload.</summary>
/// <param name="Kind">connection_refused, connection_reset, timeout, dns or other.</param>
/// <param name="Message">What happened.</param>
internal sealed record TransportPayload([property: JsonPropertyName("kind")] string Kind, [property: JsonPropertyName("message")] string Message)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "transport";
}

/// <summary>Source-generated JSON for the host functions' answers.</summary>
[JsonSerializable(typeof(StreamOpened))]
[JsonSerializable(typeof(StreamOpenFailed))]
[JsonSerializable(typeof(TransportFailure))]
internal sealed partial class WasmHostJsonContext : JsonSerializerContext
{
}
