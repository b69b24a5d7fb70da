using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Interfaces;
using Mostlyucid.LlmBackend.Services;

namespace Mostlyucid.LlmBackend.Tests.TestSupport;

/// <summary>A service provider with the library registered, captured logs, an optional fake clock and the in-memory test plugin.</summary>
public sealed class LlmTestHost : IDisposable
{
    private LlmTestHost(ServiceProvider services, CollectingLoggerProvider logs, TestPlugin plugin)
    {
        Services = services;
        Logs = logs;
        Plugin = plugin;
    }

    public ServiceProvider Services { get; }

    public CollectingLoggerProvider Logs { get; }

    public TestPlugin Plugin { get; }

    public ILlmService Llm => Services.GetRequiredService<ILlmService>();

    public LlmPluginLoader Loader => Services.GetRequiredService<LlmPluginLoader>();

    public static LlmTestHost Create(Action<LlmSettings> configure, TimeProvider? time = null, bool registerTestPlugin = true, Action<IServiceCollection>? services = null) =>
        Build(
            s =>
            {
                s.AddLlmBackend(settings =>
                {
                    settings.Plugins.DiscoverReferencedAssemblies = false;

                    // Most tests are about routing and providers: one attempt per backend. Resilience tests turn retries back on.
                    settings.Resilience.MaxRetries = 0;
                    configure(settings);
                });
                services?.Invoke(s);
            },
            time,
            registerTestPlugin);

    public static LlmTestHost FromJson(string json, TimeProvider? time = null, bool registerTestPlugin = true)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        return Build(services => services.AddLlmBackend(configuration), time, registerTestPlugin);
    }

    public static LlmBackendConfig TestBackend(string name, int priority = 100) =>
        new() { Name = name, Type = TestPlugin.BackendType, Priority = priority };

    public void Dispose() => Services.Dispose();

    private static LlmTestHost Build(Action<IServiceCollection> register, TimeProvider? time, bool registerTestPlugin)
    {
        var logs = new CollectingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        register(services);
        var provider = services.BuildServiceProvider();
        var plugin = new TestPlugin { ScriptClock = time ?? TimeProvider.System };
        if (registerTestPlugin)
        {
            provider.GetRequiredService<LlmPluginLoader>().RegisterPlugin(plugin);
        }

        return new LlmTestHost(provider, logs, plugin);
    }
}
