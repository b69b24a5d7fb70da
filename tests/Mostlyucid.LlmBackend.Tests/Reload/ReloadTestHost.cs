using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Reload;
using Mostlyucid.LlmBackend.Services;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Reload;

/// <summary>
/// The library configured from an <see cref="IConfiguration"/> that the test changes, started as a host starts it (so the
/// reloader watches it), with <see cref="ReloadTestPlugin"/>'s backends and captured logs.
/// </summary>
public sealed class ReloadTestHost : IAsyncDisposable
{
    private static readonly Dictionary<string, string?> Base = new()
    {
        ["LlmSettings:Plugins:DiscoverReferencedAssemblies"] = "false",
        ["LlmSettings:Resilience:MaxRetries"] = "0",
        ["LlmSettings:Usage:Enabled"] = "false",
    };

    private readonly ServiceProvider _services;
    private readonly EditableConfiguration _file;

    private ReloadTestHost(ServiceProvider services, IConfigurationRoot configuration, EditableConfiguration file, ReloadTestPlugin plugin, CollectingLoggerProvider logs)
    {
        _services = services;
        _file = file;
        Configuration = configuration;
        Plugin = plugin;
        Logs = logs;
    }

    public IConfigurationRoot Configuration { get; }

    public ReloadTestPlugin Plugin { get; }

    public CollectingLoggerProvider Logs { get; }

    public ILlmService Llm => _services.GetRequiredService<ILlmService>();

    internal ConfigurationReloader Reloader => _services.GetRequiredService<ConfigurationReloader>();

    /// <summary>Starts the library on <paramref name="settings"/> (keys under <c>LlmSettings:</c>).</summary>
    public static async Task<ReloadTestHost> StartAsync(IDictionary<string, string?> settings, TimeProvider? time = null)
    {
        var file = new EditableConfiguration(With(settings));
        var configuration = new ConfigurationBuilder().Add(file).Build();
        var logs = new CollectingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddLlmBackend(configuration);
        var provider = services.BuildServiceProvider();
        var plugin = new ReloadTestPlugin();
        provider.GetRequiredService<LlmPluginLoader>().RegisterPlugin(plugin);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return new ReloadTestHost(provider, configuration, file, plugin, logs);
    }

    /// <summary>A backend of the test plugin, as settings.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Backend(int index, string name, string model, int priority = 1) => new Dictionary<string, string?>
    {
        [$"LlmSettings:Backends:{index}:Name"] = name,
        [$"LlmSettings:Backends:{index}:Type"] = ReloadTestPlugin.BackendType,
        [$"LlmSettings:Backends:{index}:ModelName"] = model,
        [$"LlmSettings:Backends:{index}:Priority"] = priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Replaces the whole configuration as saving a file does: the new values, then the reload token.</summary>
    public void Change(IDictionary<string, string?> settings) => _file.Replace(With(settings));

    private static Dictionary<string, string?> With(IDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(Base, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }
}

/// <summary>A configuration source whose whole content the test replaces, raising the reload token as a changed file does.</summary>
internal sealed class EditableConfiguration(Dictionary<string, string?> initial) : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public override void Load() => Data = new Dictionary<string, string?>(initial, StringComparer.OrdinalIgnoreCase);

    public void Replace(Dictionary<string, string?> data)
    {
        Data = new Dictionary<string, string?>(data, StringComparer.OrdinalIgnoreCase);
        OnReload();
    }
}
