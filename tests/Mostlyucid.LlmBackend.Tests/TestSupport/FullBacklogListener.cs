using System.Net;
using System.Net.Sockets;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>
/// A port on 127.0.0.1 where connecting hangs: a listener that never accepts, its backlog filled, so the kernel drops
/// further SYNs and a client's connect waits — the way an overloaded or firewalled host looks (for connect timeouts).
/// </summary>
public sealed class FullBacklogListener : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _fillers = new();

    private FullBacklogListener()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
    }

    /// <summary>Gets the base URL of the hanging port.</summary>
    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";

    /// <summary>Creates the listener and fills its backlog until a connect no longer completes.</summary>
    public static async Task<FullBacklogListener> StartAsync()
    {
        var listener = new FullBacklogListener();
        for (var i = 0; i < 64; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener._fillers.Add(filler);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                await filler.ConnectAsync(listener._listener.LocalEndPoint!, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return listener;
            }
        }

        listener.Dispose();
        throw new InvalidOperationException("Could not fill the listen backlog on 127.0.0.1; connects still complete.");
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }

        _listener.Dispose();
    }
}
