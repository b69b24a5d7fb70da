using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mostlyucid.LlmBackend.Gateway.Tests.TestSupport;

/// <summary>
/// An OTLP/HTTP collector on 127.0.0.1 that keeps every export it receives (protobuf bodies by path: /v1/traces,
/// /v1/metrics) and answers 200. Protobuf keeps strings as UTF-8, so names of spans, attributes and metrics can be found
/// in the raw bodies.
/// </summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _exports = new();
    private readonly Task _loop;

    private FakeOtlpCollector(int port)
    {
        Endpoint = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Endpoint);
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>Gets the collector's address (an OTLP/HTTP endpoint without a signal path).</summary>
    public string Endpoint { get; }

    /// <summary>Starts a collector on a free port.</summary>
    public static FakeOtlpCollector Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new FakeOtlpCollector(port);
    }

    /// <summary>Gets how many exports have arrived so far (to wait for ones after a point with <see cref="WaitForAsync(TimeSpan, int, string, string[])"/>).</summary>
    public int Count => _exports.Count;

    /// <summary>Gets whether an export to <paramref name="path"/> contains every one of <paramref name="texts"/>.</summary>
    public bool Received(string path, params string[] texts) => Received(0, path, texts);

    /// <summary>Gets whether an export to <paramref name="path"/>, after the first <paramref name="skip"/> exports, contains every one of <paramref name="texts"/>.</summary>
    public bool Received(int skip, string path, params string[] texts) =>
        _exports.Skip(skip).Any(e => e.Path == path && texts.All(t => Encoding.UTF8.GetString(e.Body).Contains(t, StringComparison.Ordinal)));

    /// <summary>Waits until <see cref="Received(string, string[])"/> is true, or fails after <paramref name="timeout"/>.</summary>
    public Task WaitForAsync(TimeSpan timeout, string path, params string[] texts) => WaitForAsync(timeout, 0, path, texts);

    /// <summary>Waits until an export after the first <paramref name="skip"/> holds every one of <paramref name="texts"/>, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(TimeSpan timeout, int skip, string path, params string[] texts)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Received(skip, path, texts))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no export to {path} contained {string.Join(", ", texts)} within {timeout.TotalSeconds} s ({_exports.Count(e => e.Path == path)} exports there)");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _exports.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }
}
