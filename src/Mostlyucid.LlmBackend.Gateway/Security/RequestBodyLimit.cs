using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Mostlyucid.LlmBackend.Gateway.Configuration;

namespace Mostlyucid.LlmBackend.Gateway.Security;

/// <summary>
/// <c>Gateway:MaxRequestBodyBytes</c>, enforced by the gateway rather than by Kestrel so that a refused body can still be
/// drained: a body declared too large is answered 413 before a byte of it is read, one that grows too large while read
/// is answered 413 by the endpoint; either way the rest of what the client sends is then read and dropped (up to a cap),
/// so its SDK sees the 413 instead of a reset connection it would retry by uploading everything again.
/// </summary>
internal sealed class RequestBodyLimit
{
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(10);

    public RequestBodyLimit(GatewaySettings settings)
    {
        Bytes = settings.MaxRequestBodyBytes;

        // Enough for a client that sent a little too much; a larger upload is cut off, as nothing it sends is wanted.
        DrainCapBytes = Math.Max(Bytes * 2, 32L * 1024 * 1024);
    }

    /// <summary>Gets the largest body accepted.</summary>
    public long Bytes { get; }

    /// <summary>Gets how much of a refused body is read before the connection is closed instead.</summary>
    public long DrainCapBytes { get; }

    private static void Unlimit(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }
    }

    /// <summary>Gets the message of a 413.</summary>
    public string Message => $"The request body is larger than this gateway accepts ({Bytes} bytes; Gateway:MaxRequestBodyBytes). Send a smaller request.";

    /// <summary>Gets whether the request declares (Content-Length) a body over the limit.</summary>
    public bool DeclaredTooLarge(HttpRequest request) => request.ContentLength > Bytes;

    /// <summary>
    /// Puts the limit on an admitted request's body. Kestrel's own limit (the same size, for every request the gate
    /// refuses) is lifted for it, so that a body that grows too large can be drained after its 413.
    /// </summary>
    /// <returns>The limited body, to ask afterwards whether it was exceeded.</returns>
    public BoundedRequestStream Apply(HttpContext context)
    {
        Unlimit(context);
        var bounded = new BoundedRequestStream(context.Request.Body, Bytes);
        context.Request.Body = bounded;
        return bounded;
    }

    /// <summary>
    /// After a 413 has been written: completes the response, then reads and drops the rest of the body (up to
    /// <see cref="DrainCapBytes"/>, for at most 10 s) so the client finishes sending and reads the answer.
    /// </summary>
    public async Task DrainAsync(HttpContext context, Stream body)
    {
        await context.Response.CompleteAsync().ConfigureAwait(false);
        if (context.Request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            // The client waits for a go-ahead before sending the body; the 413 it got instead means it sends nothing.
            return;
        }

        Unlimit(context);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(DrainTime);
        var buffer = new byte[16 * 1024];
        long drained = 0;
        try
        {
            int read;
            while (drained <= DrainCapBytes && (read = await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
            {
                drained += read;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The client stopped sending or went away: nothing more to drain.
        }

        if (drained > DrainCapBytes)
        {
            context.Abort();
        }
    }
}
