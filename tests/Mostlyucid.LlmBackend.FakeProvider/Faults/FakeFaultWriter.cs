using Microsoft.AspNetCore.Http;

namespace Mostlyucid.LlmBackend.FakeProvider.Faults;

/// <summary>
/// Applies a <see cref="FakeFault"/>'s body faults while a format writes its response: counts the stream's events and
/// delays, stalls, garbles, drops the terminator or ends the body early at the configured ones. <see cref="Formats.FakeHttp"/>
/// consults it, so every format gets the same faults without knowing about them.
/// </summary>
public sealed class FakeFaultWriter
{
    private static readonly object Key = new();
    private readonly FakeFault _fault;
    private int _events;
    private bool _cut;

    private FakeFaultWriter(FakeFault fault) => _fault = fault;

    /// <summary>Attaches a fault's writer to a response.</summary>
    public static void Attach(HttpContext context, FakeFault fault) => context.Items[Key] = new FakeFaultWriter(fault);

    /// <summary>Gets the response's writer, if a fault shapes its body.</summary>
    public static FakeFaultWriter? Of(HttpContext context) => context.Items.TryGetValue(Key, out var writer) ? (FakeFaultWriter?)writer : null;

    /// <summary>Called before an event is written: waits or garbles as configured.</summary>
    /// <returns>The data to write, or <see langword="null"/> to leave the event out.</returns>
    public async Task<string?> BeforeEventAsync(HttpContext context, string? eventName, string data)
    {
        if (_cut || (_fault.NoDone && (data == "[DONE]" || eventName == "message_stop")))
        {
            return null;
        }

        _events++;
        if (_events == 1 && _fault.FirstTokenDelay is { } delay)
        {
            await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
        }

        return _events == _fault.MalformedAt ? "{\"choices\": [{\"delta\": {\"content\": \"garbl" : data;
    }

    /// <summary>Called after an event is written: stalls or cuts the connection as configured.</summary>
    public async Task AfterEventAsync(HttpContext context)
    {
        // The body ends here, cleanly but early: everything the format writes after this is left out. (Aborting the
        // connection instead would make how much arrives depend on timing: a reset can overtake sent data.)
        _cut |= _events == _fault.CutAfter;

        if (_events == _fault.StallAfter)
        {
            await Task.Delay(_fault.Stall, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a whole JSON body with the fault applied: delayed, or only its first half.</summary>
    public async Task WriteBodyAsync(HttpContext context, string body)
    {
        if (_fault.FirstTokenDelay is { } delay)
        {
            await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
        }

        if (_fault.CutAfter is null)
        {
            await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsync(body[..(body.Length / 2)], context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Drops the connection and stops the handler, so nothing more is written.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void DropConnection(HttpContext context)
    {
        context.Abort();
        throw new OperationCanceledException("The fake provider dropped the connection, as its fault asked.");
    }
}
