using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Gateway.Configuration;
using Mostlyucid.LlmBackend.Gateway.Defaults;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Routing;
using Mostlyucid.LlmBackend.Services;
using Mostlyucid.LlmBackend.Wasm;

namespace Mostlyucid.LlmBackend.Cli.Targets;

/// <summary>
/// The library itself, on a configuration file (its <c>LlmSettings</c> section) read the way the gateway reads its own:
/// the same default ledger (SQLite next to the file), the same built-in defaults when no backend is configured, and
/// environment variables over the file. Warnings and errors are logged to standard error, so standard output stays the
/// answer.
/// </summary>
internal sealed class LocalTarget : ILlmbTarget
{
    private readonly IHost _host;

    private LocalTarget(IHost host, string description)
    {
        _host = host;
        Description = description;
    }

    public string Description { get; }

    public ILlmService Llm => _host.Services.GetRequiredService<ILlmService>();

    public IServiceProvider Services => _host.Services;

    /// <summary>Builds and starts the library on the file (or on the defaults when there is none).</summary>
    /// <exception cref="Configuration.LlmConfigurationException">The configuration has problems (all of them listed).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static async Task<LocalTarget> StartAsync(string? configFile, bool verbose, CancellationToken cancellationToken)
    {
        string? fullPath = null;
        if (configFile is not null)
        {
            fullPath = Path.GetFullPath(configFile);
            if (!File.Exists(fullPath))
            {
                throw new FileNotFoundException($"The configuration file {configFile} does not exist.", configFile);
            }
        }

        var contentRoot = fullPath is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(fullPath)!;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot, DisableDefaults = true, EnvironmentName = "Production" });
        UsageDefaults.Apply(builder.Configuration);
        if (fullPath is not null)
        {
            builder.Configuration.AddJsonFile(fullPath, optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables();
        DefaultBackends.Apply(builder.Configuration, new GatewaySettings(), Environment.GetEnvironmentVariable, DefaultBackends.OllamaAnswers);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Error);

        // A configuration that fails to start is reported by the command, every problem listed; the host's own log line
        // with the stack trace would only repeat it.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", verbose ? LogLevel.Information : LogLevel.None);
        builder.Services.AddLlmBackend(builder.Configuration);
        builder.Services.AddLlmBackendWasm();
        builder.Services.AddLlmBackendSqlite();
        builder.Services.AddLlmBackendPostgreSql();
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new LocalTarget(host, fullPath is null ? "built-in defaults" : $"config {configFile}");
    }

    public async Task<ChatTurn> ChatAsync(IReadOnlyList<ChatMessage> messages, string? model, Action<string> onText, CancellationToken cancellationToken)
    {
        var request = new ChatRequest { Model = model, Messages = messages.ToList() };
        var text = new System.Text.StringBuilder();
        ChatStreamUpdate? last = null;
        LlmUsage? usage = null;
        decimal? cost = null;
        string? finish = null;
        try
        {
            await foreach (var update in Llm.StreamChatAsync(request, cancellationToken).ConfigureAwait(false))
            {
                last = update;
                usage = update.Usage ?? usage;
                cost = update.CostUsd ?? cost;
                finish = update.FinishReason ?? finish;
                if (!string.IsNullOrEmpty(update.ContentDelta))
                {
                    text.Append(update.ContentDelta);
                    onText(update.ContentDelta);
                }
            }
        }
        catch (LlmBackendException ex)
        {
            return new ChatTurn
            {
                Text = text.ToString(), Error = ex.Error.Message, ErrorKind = ex.Error.Kind.ToString(), Backend = ex.Error.BackendName,
                Attempts = ex.Attempts.Count, AttemptDetails = ex.Attempts,
            };
        }

        var attempts = last?.Attempts ?? Array.Empty<BackendAttempt>();
        return new ChatTurn
        {
            Text = text.ToString(), Backend = last?.BackendUsed, Model = last?.ModelUsed, Attempts = attempts.Count, AttemptDetails = attempts,
            Usage = usage, CostUsd = cost, FinishReason = finish,
        };
    }

    public Task<IReadOnlyList<ModelRow>> ModelsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ModelRow>>(Llm.GetRoutableModels().Select(m => new ModelRow(m.Name, m.Kind.ToString(), m.Backends)).ToArray());

    public async Task<IReadOnlyList<BackendRow>> BackendsAsync(CancellationToken cancellationToken)
    {
        var health = (await Llm.GetHealthAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(h => h.BackendName, StringComparer.OrdinalIgnoreCase);
        var statistics = Llm.GetStatistics().Backends.ToDictionary(b => b.BackendName, StringComparer.OrdinalIgnoreCase);
        return Llm.GetBackends().Select(b =>
        {
            health.TryGetValue(b.Name, out var h);
            statistics.TryGetValue(b.Name, out var s);
            return new BackendRow(
                b.Name,
                b.BackendType,
                b.Status.ToString(),
                b.Status != BackendStatus.Ready ? "—" : (h?.IsHealthy ?? true) ? "healthy" : "unhealthy",
                h?.CircuitState ?? "—",
                s is { LatencyP50Ms: > 0 } ? s.LatencyP50Ms : null,
                b.StatusReason ?? h?.LastError);
        }).ToArray();
    }

    public Task<IReadOnlyList<UsageTotal>> UsageAsync(UsageGrouping groupBy, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        _host.Services.GetRequiredService<IUsageLedger>().QueryAsync(new UsageQuery { GroupBy = groupBy, From = from, To = to }, cancellationToken);

    /// <summary>Gets the plugins the library loaded, and those that failed to load.</summary>
    public (IReadOnlyList<LlmPluginInfo> Loaded, IReadOnlyList<PluginLoadFailure> Failed) Plugins()
    {
        var loader = _host.Services.GetRequiredService<LlmPluginLoader>();
        return (loader.GetLoadedPlugins(), loader.GetLoadFailures());
    }

    /// <summary>Gets the validated settings and the backends as the registry holds them.</summary>
    public BackendRegistry Registry => _host.Services.GetRequiredService<BackendRegistry>();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
