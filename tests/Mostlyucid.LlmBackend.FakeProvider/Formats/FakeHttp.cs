using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Mostlyucid.LlmBackend.FakeProvider.Faults;

namespace Mostlyucid.LlmBackend.FakeProvider.Formats;

/// <summary>Small writers the formats share; they apply the request's <see cref="FakeFault"/> body faults.</summary>
public static class FakeHttp
{
    /// <summary>Writes a JSON body with a status.</summary>
    public static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (status == 200 && FakeFaultWriter.Of(context) is { } faulty)
        {
            await faulty.WriteBodyAsync(context, body.ToJsonString()).ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Starts a server-sent event stream.</summary>
    public static async Task StartEventStreamAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes one server-sent event (with an <c>event:</c> line when named) and flushes it.</summary>
    public static async Task WriteEventAsync(HttpContext context, string? eventName, string data)
    {
        var faulty = FakeFaultWriter.Of(context);
        if (faulty is not null)
        {
            if (await faulty.BeforeEventAsync(context, eventName, data).ConfigureAwait(false) is not { } shaped)
            {
                return;
            }

            data = shaped;
        }
        var frame = new StringBuilder();
        if (eventName is not null)
        {
            frame.Append("event: ").Append(eventName).Append('\n');
        }

        frame.Append("data: ").Append(data).Append("\n\n");
        await context.Response.WriteAsync(frame.ToString(), context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        if (faulty is not null)
        {
            await faulty.AfterEventAsync(context).ConfigureAwait(false);
        }
    }

    /// <summary>Writes one newline-terminated JSON line and flushes it.</summary>
    public static async Task WriteLineAsync(HttpContext context, JsonNode line)
    {
        var faulty = FakeFaultWriter.Of(context);
        var text = line.ToJsonString();
        if (faulty is not null)
        {
            if (await faulty.BeforeEventAsync(context, null, text).ConfigureAwait(false) is not { } shaped)
            {
                return;
            }

            text = shaped;
        }
        await context.Response.WriteAsync(text + "\n", context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        if (faulty is not null)
        {
            await faulty.AfterEventAsync(context).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the body of a <see cref="Brain.FakeFailureKind.GarbageBody"/> failure.</summary>
    public static async Task WriteGarbageAsync(HttpContext context, string text)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Reads the request body as JSON, or null when it is not JSON.</summary>
    public static async Task<JsonNode?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads a string property, or null.</summary>
    public static string? Text(JsonNode? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Reads an integer property, or null.</summary>
    public static int? Number(JsonNode? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;
}
