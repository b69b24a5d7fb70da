using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Wasm.Abi;
using Mostlyucid.LlmBackend.Wasm.Carriers;
using Mostlyucid.LlmBackend.Wasm.Native;
using Mostlyucid.LlmBackend.Wasm.Runtime;

namespace Mostlyucid.LlmBackend.Wasm.Backend;

/// <summary>
/// Loads a plugin for a backend and checks everything before it serves: the file, the exports QueryMT's ABI requires
/// (all missing ones named), the plugin's own configuration against its published schema (every wrong field named), its
/// <c>from_config</c> verdict, and where its requests may go. Every problem is reported together.
/// </summary>
internal sealed class PluginBackendFactory
{
    private readonly Func<IWasmRuntime> _runtime;
    private readonly SandboxSettings _sandbox;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<string> _searchRoots;

    public PluginBackendFactory(Func<IWasmRuntime> runtime, SandboxSettings sandbox, TimeProvider time, IReadOnlyList<string> searchRoots)
    {
        _runtime = runtime;
        _sandbox = sandbox;
        _time = time;
        _searchRoots = searchRoots;
    }

    public async Task<PluginBackend> CreateAsync(LlmBackendConfig config, bool native, ILogger logger, HttpClient httpClient, CancellationToken cancellationToken)
    {
        var label = $"Backend '{config.Name}'";
        var path = ResolvePath(config, label);
        var http = new DeferredPluginHttp();
        IPluginCarrier carrier;
        try
        {
            carrier = native
                ? NativePluginCarrier.Load(path)
                : await _runtime().LoadAsync(
                    new WasmPluginLoadRequest
                    {
                        Key = config.Name,
                        Path = path,
                        Instances = _sandbox.InstancesPerPlugin,
                        CallTimeout = TimeSpan.FromMilliseconds(_sandbox.CallTimeoutMs),
                        MemoryLimitBytes = _sandbox.MemoryLimitMb * 1024L * 1024L,
                        Http = http,
                        Logger = logger,
                    },
                    cancellationToken).ConfigureAwait(false);
        }
        catch (PluginCallException ex)
        {
            throw new InvalidOperationException($"{label}: {ex.Message}", ex);
        }

        try
        {
            var descriptor = await DescribeAsync(config, carrier, label, logger, cancellationToken).ConfigureAwait(false);
            var backend = new PluginBackend(config, logger, httpClient, _time, carrier, descriptor);
            http.Target = backend;
            var carrierName = native ? "native" : "WebAssembly";
            var allowedHosts = descriptor.AllowedHosts.ToString();
            WasmLog.PluginLoaded(logger, carrierName, descriptor.Name, path, config.Name, allowedHosts);
            return backend;
        }
        catch
        {
            await carrier.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<string?> RawStringAsync(IPluginCarrier carrier, string function, List<string> problems, string label, CancellationToken cancellationToken)
    {
        if (!carrier.Exports.Contains(function))
        {
            return null;
        }

        try
        {
            var result = await carrier.CallAsync(function, "null"u8.ToArray(), null, cancellationToken).ConfigureAwait(false);
            return Encoding.UTF8.GetString(result.Output.Span);
        }
        catch (PluginCallException ex)
        {
            problems.Add($"{label}: the plugin's {function} failed: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// Asks the plugin whether this configuration streams (QueryMT's <c>supports_streaming</c>); when it says no, streamed
    /// requests are answered whole and sent as one update.
    /// </summary>
    private static async Task<bool> SupportsStreamingAsync(IPluginCarrier carrier, JsonObject cfg, string name, string label, List<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            var result = await carrier.CallAsync(PluginExports.SupportsStreaming, QueryMtRequests.Bare(cfg), null, cancellationToken).ConfigureAwait(false);
            var answer = Encoding.UTF8.GetString(result.Output.Span).Trim();
            if (bool.TryParse(answer, out var streams))
            {
                return streams;
            }

            problems.Add($"{label}: plugin '{name}' answered supports_streaming with '{(answer.Length > 40 ? answer[..40] + "…" : answer)}'; expected true or false.");
        }
        catch (PluginCallException ex)
        {
            problems.Add($"{label}: the plugin's supports_streaming failed: {ex.Message}");
        }

        return false;
    }

    private static string? HostOf(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri.IdnHost : null;

    private static async Task<PluginDescriptor> DescribeAsync(LlmBackendConfig config, IPluginCarrier carrier, string label, ILogger logger, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        // QueryMT's rule: with every request/parse export the host does the HTTP; without, the plugin does its own
        // through the host's functions (chat, chat_stream, embed, complete, list_models).
        var missing = PluginExports.Required.Where(e => !carrier.Exports.Contains(e)).ToList();
        var inPlugin = missing.Count > 0 && PluginExports.RequiredInPlugin.All(carrier.Exports.Contains);
        if (missing.Count > 0 && !inPlugin)
        {
            throw new InvalidOperationException($"{label}: {carrier.Path} is not a provider plugin of QueryMT's ABI: it does not export {string.Join(", ", missing)} (it exports {string.Join(", ", carrier.Exports.Order(StringComparer.Ordinal))}). A plugin that does its own HTTP exports name and chat instead.");
        }

        var name = await RawStringAsync(carrier, PluginExports.Name, problems, label, cancellationToken).ConfigureAwait(false) ?? config.Name;
        var defaultBaseUrl = await RawStringAsync(carrier, PluginExports.BaseUrl, problems, label, cancellationToken).ConfigureAwait(false);
        var apiKeyName = await RawStringAsync(carrier, PluginExports.ApiKeyName, problems, label, cancellationToken).ConfigureAwait(false);
        var schemaText = await RawStringAsync(carrier, PluginExports.ConfigSchema, problems, label, cancellationToken).ConfigureAwait(false);
        var schema = ConfigSchema.None;
        try
        {
            schema = ConfigSchema.Parse(schemaText ?? string.Empty);
        }
        catch (FormatException ex)
        {
            problems.Add($"{label}: {ex.Message}.");
        }

        if (carrier.Exports.Contains(PluginExports.InitLogging))
        {
            try
            {
                await carrier.CallAsync(PluginExports.InitLogging, "3"u8.ToArray(), null, cancellationToken).ConfigureAwait(false);
            }
            catch (PluginCallException ex)
            {
                problems.Add($"{label}: the plugin's init_logging failed: {ex.Message}");
            }
        }

        var cfg = config.PluginConfig?.DeepClone().AsObject() ?? new JsonObject();
        var hosts = new List<string>(config.AllowedHosts);

        // QueryMT reads a provider's allowed hosts from inside its config, and drops the keys the plugin's schema does
        // not declare (allowed_hosts too, unless the plugin takes it): a configuration written for QueryMT works as it is.
        hosts.AddRange(ConfiguredAllowedHosts(cfg, label, problems));
        var dropped = Undeclared(schema, cfg);
        if (dropped.Count > 0)
        {
            dropped.ForEach(key => cfg.Remove(key));
            var unexpected = dropped.Where(key => key != "allowed_hosts").ToList();
            if (unexpected.Count > 0)
            {
                WasmLog.UnknownConfigKeysDropped(logger, config.Name, name, string.Join(", ", unexpected));
            }
        }

        schema.Coerce(cfg);
        if (!string.IsNullOrWhiteSpace(config.BaseUrl))
        {
            if (schema.Declares("base_url"))
            {
                cfg["base_url"] = config.BaseUrl;
            }
            else
            {
                problems.Add($"{label}: BaseUrl is set, but plugin '{name}' has no base_url setting; remove BaseUrl.");
            }
        }

        if (!string.IsNullOrWhiteSpace(config.ModelName) && schema.Declares("model") && !cfg.ContainsKey("model"))
        {
            cfg["model"] = config.ModelName;
        }

        // The plugin's key is the backend's ApiKey — never a variable the plugin names: a plugin must not be able to
        // ask for someone else's secret.
        if (!string.IsNullOrEmpty(config.ApiKey) && (schema.Declares("api_key") || !schema.HasProperties))
        {
            cfg["api_key"] = config.ApiKey;
        }
        else if (!cfg.ContainsKey("api_key") && (schema.Requires("api_key") || !string.IsNullOrEmpty(apiKeyName)))
        {
            var hint = string.IsNullOrEmpty(apiKeyName) ? "${YOUR_KEY_VARIABLE}" : $"${{{apiKeyName}}}";
            problems.Add($"{label}: plugin '{name}' needs an API key: set ApiKey (for example \"{hint}\"), or config.api_key in a providers file.");
        }

        problems.AddRange(schema.Validate(cfg, $"{label}: PluginConfig").Where(p => !p.Contains(":api_key is required", StringComparison.Ordinal)));

        if (problems.Count == 0 && carrier.Exports.Contains(PluginExports.FromConfig))
        {
            try
            {
                await carrier.CallAsync(PluginExports.FromConfig, QueryMtRequests.Bare(cfg), null, cancellationToken).ConfigureAwait(false);
            }
            catch (PluginCallException ex)
            {
                problems.Add($"{label}: plugin '{name}' refused its configuration: {QueryMtErrors.From(ex, config.Name, PluginExports.FromConfig).Message}");
            }
        }

        // An in-plugin chat_stream streams only when supports_streaming says so (QueryMT treats a missing one as no).
        var streams = inPlugin
            ? carrier.Exports.Contains(PluginExports.ChatStream) && carrier.Exports.Contains(PluginExports.SupportsStreaming)
            : PluginExports.Streaming.All(carrier.Exports.Contains);
        if (problems.Count == 0 && streams && carrier.Exports.Contains(PluginExports.SupportsStreaming))
        {
            streams = await SupportsStreamingAsync(carrier, cfg, name, label, problems, cancellationToken).ConfigureAwait(false);
        }

        if (HostOf((cfg["base_url"] as JsonValue)?.GetValue<string>()) is { } configuredHost)
        {
            hosts.Add(configuredHost);
        }
        else if (HostOf(defaultBaseUrl) is { } defaultHost)
        {
            hosts.Add(defaultHost);
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        return new PluginDescriptor
        {
            Name = name,
            Schema = schema,
            Configuration = cfg,
            AllowedHosts = new AllowedHosts(hosts),
            InPlugin = inPlugin,
            CanStream = streams,
            CanEmbed = inPlugin ? carrier.Exports.Contains(PluginExports.Embed) : PluginExports.Embedding.All(carrier.Exports.Contains),
            CanComplete = inPlugin ? carrier.Exports.Contains(PluginExports.Complete) : PluginExports.Completion.All(carrier.Exports.Contains),
        };
    }

    /// <summary>Reads QueryMT's <c>config.allowed_hosts</c>: a list of host names.</summary>
    private static List<string> ConfiguredAllowedHosts(JsonObject cfg, string label, List<string> problems)
    {
        var hosts = new List<string>();
        if (!cfg.TryGetPropertyValue("allowed_hosts", out var node) || node is null)
        {
            return hosts;
        }

        if (node is not JsonArray list)
        {
            problems.Add($"{label}: PluginConfig:allowed_hosts must be a list of host names (for example [\"api.example.com\"]).");
            return hosts;
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonValue value && value.TryGetValue<string>(out var host) && !string.IsNullOrWhiteSpace(host))
            {
                hosts.Add(host.Trim());
            }
            else
            {
                problems.Add($"{label}: PluginConfig:allowed_hosts:{i} must be a host name.");
            }
        }

        return hosts;
    }

    /// <summary>The top-level keys of <paramref name="cfg"/> the schema does not declare (none when it declares nothing).</summary>
    private static List<string> Undeclared(ConfigSchema schema, JsonObject cfg) =>
        schema.HasProperties ? cfg.Select(p => p.Key).Where(key => !schema.Declares(key)).ToList() : new List<string>();

    private string ResolvePath(LlmBackendConfig config, string label)
    {
        if (string.IsNullOrWhiteSpace(config.PluginPath))
        {
            throw new InvalidOperationException($"{label}: PluginPath is required for a {config.EffectiveBackendType} backend: set it to the plugin file (.wasm, or .so/.dylib/.dll for Native).");
        }

        var candidates = PluginSearchRoots.Candidates(config.PluginPath, _searchRoots);
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{label}: PluginPath '{config.PluginPath}' does not exist (looked in {string.Join(", ", candidates)}).");
    }
}
