using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Benchmarks;

/// <summary>
/// The response cache on a request's path through the library (docs/benchmarks.md, "Response cache"): a hit's latency
/// and a miss's added cost (the lookup and the store: for Redis two round trips to a redis-server on loopback, which this
/// benchmark starts itself), side by side with the cache off. The upstream is in process and answers at once, so a miss
/// shows the cache's own cost, not a provider's.
/// </summary>
[MemoryDiagnoser]
public class ResponseCacheBenchmarks
{
    private GatewayFixture _fixture = null!;
    private ChatRequest _same = null!;
    private Process? _redis;
    private long _fresh;

    /// <summary>Gets or sets the cache: <c>Off</c>, <c>Memory</c> or <c>Redis</c>.</summary>
    [Params("Off", "Memory", "Redis")]
    public string Cache { get; set; } = "Off";

    [GlobalSetup]
    public void Setup()
    {
        string? redis = null;
        if (Cache == "Redis")
        {
            var port = FreePort();
            _redis = StartRedis(port);
            redis = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        }

        _fixture = new GatewayFixture(
            streamChunks: 10,
            settings =>
            {
                settings.Usage.Enabled = false;
                settings.Caching.Enabled = Cache != "Off";
                settings.Caching.Provider = Cache == "Redis" ? CachingSettings.RedisProvider : CachingSettings.MemoryProvider;
                settings.Redis.ConnectionString = redis;
            },
            services => services.AddLlmBackendRedis());
        _same = Ask("Say hello.");
        Hit().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fixture.Dispose();
        if (_redis is { } redis)
        {
            redis.Kill();
            redis.WaitForExit();
            redis.Dispose();
        }
    }

    /// <summary>The same temperature-0 request every time: answered from the cache (with the cache off, by the upstream).</summary>
    [Benchmark]
    public async Task<bool> Hit() => (await _fixture.Llm.ChatAsync(_same).ConfigureAwait(false)).Success;

    /// <summary>A temperature-0 request never seen before: looked up, answered by the upstream, stored.</summary>
    [Benchmark]
    public async Task<bool> Miss() =>
        (await _fixture.Llm.ChatAsync(Ask("Say hello " + Interlocked.Increment(ref _fresh).ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false)).Success;

    /// <summary>The same request streamed: replayed from the cache.</summary>
    [Benchmark]
    public async Task<int> StreamHit()
    {
        var updates = 0;
        await foreach (var update in _fixture.Llm.StreamChatAsync(_same).ConfigureAwait(false))
        {
            updates++;
        }

        return updates;
    }

    private static ChatRequest Ask(string text) =>
        new() { Model = "up0", Temperature = 0, Messages = { new ChatMessage { Role = ChatRole.User, Content = text } } };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Process StartRedis(int port)
    {
        var folder = Directory.CreateTempSubdirectory("llmb-bench-redis-").FullName;
        var start = new ProcessStartInfo(File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            WorkingDirectory = folder,
        };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--daemonize", "no", "--dir", folder })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start: run scripts/install-prerequisites.sh.");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return process;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new TimeoutException("redis-server did not listen within 10 s.");
    }
}
