using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Mostlyucid.LlmBackend.Gateway.Http;

/// <summary>Writes server-sent event frames (<c>data: …</c>, optionally with an <c>event:</c> line) and flushes each.</summary>
internal static class SseFrames
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] FrameEnd = "\n\n"u8.ToArray();

    /// <summary>Starts an event stream: 200, <c>text/event-stream</c>, no caching, no proxy buffering, the answer headers.</summary>
    public static Task StartAsync(HttpContext context, Models.ChatStreamUpdate? first)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        GatewayHeaders.SetStreamStart(response, first);
        return response.StartAsync(context.RequestAborted);
    }

    /// <summary>Writes <c>data: {json}</c> and flushes, as one write to the response's pipe.</summary>
    public static async Task WriteDataAsync(HttpContext context, ReadOnlyMemory<byte> json)
    {
        var writer = context.Response.BodyWriter;
        writer.Write(DataPrefix);
        writer.Write(json.Span);
        writer.Write(FrameEnd);
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <c>data: {value as JSON}</c> and flushes, serializing straight into the response's pipe (no intermediate
    /// array: a stream writes one of these per token).
    /// </summary>
    public static async Task WriteDataAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
    {
        using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        await WriteDataAsync(context, json, value, typeInfo).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <c>data: {value as JSON}</c> and flushes, with a JSON writer the caller keeps for the whole stream (reset onto
    /// the response's pipe for each frame).
    /// </summary>
    public static async Task WriteDataAsync<T>(HttpContext context, Utf8JsonWriter json, T value, JsonTypeInfo<T> typeInfo)
    {
        var writer = context.Response.BodyWriter;
        writer.Write(DataPrefix);
        json.Reset(writer);
        JsonSerializer.Serialize(json, value, typeInfo);
        json.Flush();
        writer.Write(FrameEnd);
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteEventAsync(HttpContext context, string name, string json)
    {
        await context.Response.WriteAsync($"event: {name}\ndata: {json}\n\n", context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
