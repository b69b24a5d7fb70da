using System.Globalization;
using System.Net.Sockets;

namespace Mostlyucid.LlmBackend.Providers;

/// <summary>
/// Per-backend connect timeouts on the one shared <see cref="SocketsHttpHandler"/>: a backend puts its limit on each request
/// (<see cref="Option"/>), and <see cref="ConnectAsync"/>, the handler's connect callback, gives up opening the connection
/// after that long with a <see cref="TimeoutException"/> that says which limit fired.
/// </summary>
internal static class BackendConnectTimeout
{
    /// <summary>The request option that carries the connect limit.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> Option = new("Mostlyucid.LlmBackend.ConnectTimeout");

    /// <summary>The limit when a request carries none (requests made outside a backend).</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    /// <summary>Opens a TCP connection within the request's connect limit.</summary>
    /// <exception cref="TimeoutException">The connection was not open within the limit.</exception>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var limit = context.InitialRequestMessage.Options.TryGetValue(Option, out var configured) ? configured : Default;
        using var timed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timed.CancelAfter(limit);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, timed.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            var seconds = limit.TotalSeconds.ToString(CultureInfo.InvariantCulture);
            throw new TimeoutException($"Connecting to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} took longer than the connect timeout of {seconds} s (ConnectTimeoutSeconds).");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
