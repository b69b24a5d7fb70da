using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>
/// A throwaway redis-server for tests: started by the fixture itself on a free 127.0.0.1 port in a temp folder, with no
/// persistence and a password (so tests can check it never leaks), and stopped at dispose — so <c>dotnet test</c> alone
/// works. <see cref="StopAsync"/> and <see cref="StartAsync"/> take it down and bring it back on the same port, for the
/// fail-open and recovery tests. redis-server must be installed (<c>scripts/install-prerequisites.sh</c> does it).
/// (Also compiled into the gateway tests.)
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    /// <summary>The server's password: long enough for the redactor, unusual enough to search logs for.</summary>
    public const string Password = "redis-test-secret-5c1d2e9f";

    private Process? _process;
    private string? _folder;

    /// <summary>Gets the port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Gets the StackExchange.Redis configuration string for it (with the password).</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password}";

    public async ValueTask InitializeAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "llmb-redis-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_folder);
        Port = FreePort();
        await StartAsync();
    }

    /// <summary>Starts the server (again) on its port and waits until it answers.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _folder,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--daemonize", "no", "--dir", _folder!, "--requirepass", Password })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited at once ({_process.ExitCode}) on port {Port}.");
            }

            if (await AnswersAsync())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-server did not answer on 127.0.0.1:{Port} within 15 s.");
    }

    /// <summary>Stops the server (killed, as a crash or a network cut would look) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_folder is { } folder && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Executable()
    {
        foreach (var candidate in new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("redis-server is not installed: run scripts/install-prerequisites.sh (it runs 'apt-get install -y redis-server').");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            var ping = System.Text.Encoding.ASCII.GetBytes($"AUTH {Password}\r\nPING\r\n");
            await stream.WriteAsync(ping);
            var buffer = new byte[64];
            var read = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            while (read < 12)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token);
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }

            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
