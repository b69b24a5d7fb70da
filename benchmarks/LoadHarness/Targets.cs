namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>
/// The columns of the table, in order: the upstream called directly, our gateway, our gateway with a WebAssembly plugin
/// backend in front of the same upstream, and the peer gateway.
/// </summary>
/// <remarks>
/// Extension point: a gateway configured differently is one more <see cref="Target"/> here — a second call of
/// <see cref="Gateway"/> with other backends and another port; the report then shows its latency and throughput beside
/// the others (see docs/benchmarks.md, "Adding a column").
/// </remarks>
internal static class Targets
{
    public const string DirectKey = "direct";
    public const string GatewayKey = "llmbackend";
    public const string WasmGatewayKey = "llmbackend-wasm";
    public const string NoLedgerGatewayKey = "llmbackend-no-ledger";
    public const string PeerKey = "portkey";

    /// <summary>The sample plugin the Wasm column's backends run (built by samples/wasm/build.sh).</summary>
    public static readonly string WasmPlugin = Path.Combine("samples", "wasm", "assemblyscript", "build", "openai-compatible.wasm");

    public static IReadOnlyList<Target> All(string root, bool peer, bool wasm, bool ledgerOff = false)
    {
        var targets = new List<Target> { Direct(), Gateway(GatewayKey, "LlmBackend gateway", 8080, BuiltInBackends) };
        if (ledgerOff)
        {
            var settings = new Dictionary<string, string>(BuiltInBackends) { ["LlmSettings__Usage__Enabled"] = "false" };
            targets.Add(Gateway(NoLedgerGatewayKey, "LlmBackend gateway, ledger off", 8082, settings));
        }

        if (wasm)
        {
            targets.Add(Gateway(WasmGatewayKey, "LlmBackend gateway, Wasm backend", 8081, WasmBackends(Path.Combine(root, WasmPlugin))));
        }

        if (peer)
        {
            targets.Add(Portkey(root, 8790));
        }

        return targets;
    }

    /// <summary>The fake upstream itself: what a client gets with no gateway at all.</summary>
    public static Target Direct() => new(
        DirectKey,
        "Direct (no gateway)",
        null,
        _ => null,
        upstream => new Endpoint(new Uri(upstream.BaseUrl + "/chat/completions"), "m", Array.Empty<KeyValuePair<string, string>>()));

    /// <summary>Our gateway (Release build), one backend per upstream port; the request's model names the backend.</summary>
    public static Target Gateway(string key, string name, int port, IReadOnlyDictionary<string, string> backends) => new(
        key,
        name,
        port,
        context => ManagedProcess.Start(
            name,
            context.Core,
            "dotnet",
            new[] { Path.Combine(context.Root, "src", "Mostlyucid.LlmBackend.Gateway", "bin", "Release", "net10.0", "Mostlyucid.LlmBackend.Gateway.dll"), "--urls", $"http://127.0.0.1:{port}" },
            Path.Combine(context.LogDirectory, key + ".log"),
            GatewayEnvironment(backends, UsageFile(context, key))),
        upstream => new Endpoint(new Uri($"http://127.0.0.1:{port}/v1/chat/completions"), BackendName(upstream), Array.Empty<KeyValuePair<string, string>>()))
    {
        MeasureSustainedMemory = true,
    };

    /// <summary>The Portkey AI gateway (open source, npm), pointed at the same upstream with its custom-host headers.</summary>
    public static Target Portkey(string root, int port) => new(
        PeerKey,
        "Portkey gateway " + PortkeyVersion(root),
        port,
        context => ManagedProcess.Start(
            "Portkey",
            context.Core,
            "node",
            new[] { Path.Combine("node_modules", "@portkey-ai", "gateway", "build", "start-server.js"), $"--port={port}", "--headless" },
            Path.Combine(context.LogDirectory, PeerKey + ".log"),
            new Dictionary<string, string> { ["NODE_ENV"] = "production" },
            context.Benchmarks),
        upstream => new Endpoint(
            new Uri($"http://127.0.0.1:{port}/v1/chat/completions"),
            "m",
            new KeyValuePair<string, string>[]
            {
                new("x-portkey-provider", "openai"),
                new("x-portkey-custom-host", upstream.BaseUrl),
                new("Authorization", "Bearer sk-fake"),
            }))
    {
        WarmupSeconds = 10,
    };

    /// <summary>Built-in OpenAI-compatible backends, one per upstream port.</summary>
    public static IReadOnlyDictionary<string, string> BuiltInBackends { get; } = Backends("OpenAICompatible", null, Upstream.All.Select(u => (BackendName(u), u)).ToArray());

    /// <summary>
    /// The same backends (names, upstreams, key, model) served by a WebAssembly plugin (QueryMT's ABI, in process on
    /// Wasmtime with the default sandbox settings), so the same requests reach the same upstream through it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> WasmBackends(string pluginPath) =>
        Backends("Wasm", pluginPath, Upstream.All.Select(u => (BackendName(u), u)).ToArray());

    /// <summary>The gateway's backend (and so the request's model) for an upstream port: <c>up9100</c>, ….</summary>
    public static string BackendName(Upstream upstream) => $"up{upstream.Port}";

    private static Dictionary<string, string> Backends(string type, string? pluginPath, params (string Name, Upstream Upstream)[] backends)
    {
        var settings = new Dictionary<string, string>();
        for (var i = 0; i < backends.Length; i++)
        {
            var prefix = $"LlmSettings__Backends__{i}__";
            settings[prefix + "Name"] = backends[i].Name;
            settings[prefix + "Type"] = type;
            if (pluginPath is not null)
            {
                settings[prefix + "PluginPath"] = pluginPath;
            }

            settings[prefix + "BaseUrl"] = backends[i].Upstream.BaseUrl;
            settings[prefix + "ApiKey"] = "sk-fake";
            settings[prefix + "ModelName"] = "m";
        }

        return settings;
    }

    /// <summary>
    /// The gateway's settings for the run: the backends, Production, and Warning as the log level (the gateway logs
    /// nothing per request at Warning; startup lines are kept so its log shows what it listened on).
    /// </summary>
    private static Dictionary<string, string> GatewayEnvironment(IReadOnlyDictionary<string, string> backends, string usageFile)
    {
        var environment = new Dictionary<string, string>(backends)
        {
            // The default ledger (SQLite), in a fresh file per run so every run starts from the same empty database.
            ["LlmSettings__Usage__ConnectionString"] = usageFile,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Logging__LogLevel__Mostlyucid.LlmBackend"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        return environment;
    }

    private static string UsageFile(TargetContext context, string key)
    {
        var file = Path.Combine(context.LogDirectory, key + "-usage.db");
        foreach (var stale in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(stale);
        }

        return file;
    }

    private static string PortkeyVersion(string root)
    {
        var package = Path.Combine(root, "benchmarks", "node_modules", "@portkey-ai", "gateway", "package.json");
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(package));
            return document.RootElement.GetProperty("version").GetString() ?? "?";
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or KeyNotFoundException or UnauthorizedAccessException)
        {
            return "(version unknown)";
        }
    }
}
