namespace Mostlyucid.LlmBackend.Benchmarks.Load;

/// <summary>
/// The columns of the table, in order: the upstream called directly, our gateway with every optional feature on, the same
/// gateway with them all off, our gateway with a WebAssembly plugin backend in front of the same upstream (features on),
/// and the peer gateway.
/// </summary>
/// <remarks>
/// Extension point: a gateway configured differently is one more <see cref="Target"/> here — a second call of
/// <see cref="Gateway"/> with other settings and another port; the report then shows its latency and throughput beside
/// the others (see docs/benchmarks.md, "Adding a column").
/// </remarks>
internal static class Targets
{
    public const string DirectKey = "direct";
    public const string GatewayKey = "llmbackend";
    public const string FeaturesOffGatewayKey = "llmbackend-features-off";
    public const string WasmGatewayKey = "llmbackend-wasm";
    public const string PeerKey = "portkey";

    /// <summary>The gateway key the columns with features on are called with (a benchmark's own, never a real one).</summary>
    public const string GatewayApiKey = "llmb-benchmark-key-0123456789abcdef";

    /// <summary>The sample plugin the Wasm column's backends run (built by samples/wasm/build.sh).</summary>
    public static readonly string WasmPlugin = Path.Combine("samples", "wasm", "assemblyscript", "build", "openai-compatible.wasm");

    /// <summary>Where benchmarks/run-load.sh publishes the gateway (Release, ReadyToRun: what an operator deploys).</summary>
    public static readonly string PublishedGateway = Path.Combine("artifacts", "benchmarks", "gateway", "Mostlyucid.LlmBackend.Gateway.dll");

    public static IReadOnlyList<Target> All(string root, bool peer, bool wasm, bool featuresOff)
    {
        var targets = new List<Target>
        {
            Direct(),
            Gateway(GatewayKey, "LlmBackend gateway, features on", 8080, BuiltInBackends, featuresOn: true),
        };
        if (featuresOff)
        {
            targets.Add(Gateway(FeaturesOffGatewayKey, "LlmBackend gateway, features off", 8082, BuiltInBackends, featuresOn: false));
        }

        if (wasm)
        {
            targets.Add(Gateway(WasmGatewayKey, "LlmBackend gateway, Wasm backend, features on", 8081, WasmBackends(Path.Combine(root, WasmPlugin)), featuresOn: true));
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

    /// <summary>
    /// Our gateway (published Release build with ReadyToRun code), one backend per upstream port; the request's model names
    /// the backend. With <paramref name="featuresOn"/>, every optional feature on the request path is on (see
    /// <see cref="FeaturesOn"/>); without, every one is off (<see cref="FeaturesOff"/>).
    /// </summary>
    public static Target Gateway(string key, string name, int port, IReadOnlyDictionary<string, string> backends, bool featuresOn) => new(
        key,
        name,
        port,
        context => ManagedProcess.Start(
            name,
            context.Core,
            "dotnet",
            new[] { Path.Combine(context.Root, PublishedGateway), "--urls", $"http://127.0.0.1:{port}" },
            Path.Combine(context.LogDirectory, key + ".log"),
            GatewayEnvironment(backends, featuresOn ? FeaturesOn(UsageFile(context, key)) : FeaturesOff)),
        upstream => new Endpoint(
            new Uri($"http://127.0.0.1:{port}/v1/chat/completions"),
            BackendName(upstream),
            featuresOn ? new KeyValuePair<string, string>[] { new("Authorization", "Bearer " + GatewayApiKey) } : Array.Empty<KeyValuePair<string, string>>(),
            UniqueBodies: featuresOn))
    {
        MeasureSustainedMemory = true,
    };

    /// <summary>
    /// Every optional feature on the request path on: a gateway key checked on every request (so authentication), with a
    /// request limit, a token limit and a spend budget (so the limiters and the budget guard run; set high enough never
    /// to refuse), the usage ledger writing every request to SQLite, telemetry (the Prometheus exporter's metrics), and
    /// the response cache in memory — every plain request of this column is different and cacheable, so each is a miss
    /// that is looked up and stored. The cache is bounded at 32 MB (the default is 100 MB): it fills within the sustained
    /// run, so the memory row shows the gateway's own footprint plus a cache at its bound, evicting.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FeaturesOn(string usageFile) => new Dictionary<string, string>
    {
        ["Gateway__ApiKeys__0__Name"] = "benchmark",
        ["Gateway__ApiKeys__0__Key"] = GatewayApiKey,
        ["Gateway__ApiKeys__0__MaxRequestsPerMinute"] = "100000000",
        ["Gateway__ApiKeys__0__MaxTokensPerMinute"] = "2000000000",
        ["Gateway__ApiKeys__0__MaxSpendUsd"] = "1000000",
        ["Gateway__Telemetry__Prometheus"] = "true",
        ["LlmSettings__Usage__Enabled"] = "true",
        // The default ledger (SQLite), in a fresh file per run so every run starts from the same empty database.
        ["LlmSettings__Usage__ConnectionString"] = usageFile,
        ["LlmSettings__Caching__Enabled"] = "true",
        ["LlmSettings__Caching__MaxCacheSizeMb"] = "32",
    };

    /// <summary>Every optional feature off: no keys (so no key check, limits or budgets), no ledger, no telemetry, no cache.</summary>
    public static IReadOnlyDictionary<string, string> FeaturesOff { get; } = new Dictionary<string, string>
    {
        ["Gateway__Telemetry__Prometheus"] = "false",
        ["LlmSettings__Usage__Enabled"] = "false",
        ["LlmSettings__Caching__Enabled"] = "false",
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
            }));

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
    /// The gateway's settings for the run: the backends, the features, Production, Warning as the log level (the gateway
    /// logs nothing per request at Warning; startup lines are kept so its log shows what it listened on), and the runtime
    /// setting docs/benchmarks.md recommends for a gateway on one CPU, as it is here.
    /// </summary>
    private static Dictionary<string, string> GatewayEnvironment(IReadOnlyDictionary<string, string> backends, IReadOnlyDictionary<string, string> features)
    {
        var environment = new Dictionary<string, string>(backends)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Logging__LogLevel__Mostlyucid.LlmBackend"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            // On one CPU .NET waits 1 s (not 100 ms) without newly called methods before it recompiles hot code, so under
            // load a gateway took about a minute to reach full speed; at 0 it takes seconds (docs/benchmarks.md).
            ["DOTNET_TC_CallCountingDelayMs"] = "0",
        };
        foreach (var (name, value) in features)
        {
            environment[name] = value;
        }

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
