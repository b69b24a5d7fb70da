using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Services;
using Microsoft.Extensions.DependencyInjection;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Plugins;

public class LlmPluginLoaderTests
{
    private const string Echo = "TestPlugins.Echo";
    private const string EchoV2 = "TestPlugins.EchoV2";
    private const string Faulty = "TestPlugins.Faulty";
    private const string NotAPlugin = "TestPlugins.NotAPlugin";

    private static (LlmPluginLoader Loader, CollectingLoggerProvider Logs) NewLoader()
    {
        var logs = new CollectingLoggerProvider();
        return (new LlmPluginLoader(logs.CreateLogger(typeof(LlmPluginLoader).FullName!), TimeProvider.System, contentRoot: null), logs);
    }

    private static ChatRequest Ask(string text) => new() { Messages = { new ChatMessage { Role = "user", Content = text } } };

    [Fact]
    public void LoadPluginFromAssembly_LoadsThePluginAndItsTypes()
    {
        var (loader, logs) = NewLoader();

        var plugins = loader.LoadPluginFromAssembly(TestPaths.TestPluginDll(Echo));

        var plugin = Assert.Single(plugins);
        Assert.Equal("tests.echo", plugin.PluginId);
        Assert.Same(plugin, loader.FindPluginForBackendType("echo"));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Loaded plugin Echo test plugin (tests.echo 1.0.0)", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadPluginFromAssembly_TwiceTheSameFile_LoadsOnce()
    {
        var (loader, _) = NewLoader();

        loader.LoadPluginFromAssembly(TestPaths.TestPluginDll(Echo));
        var again = loader.LoadPluginFromAssembly(TestPaths.TestPluginDll(Echo));

        Assert.Single(again);
        Assert.Single(loader.GetLoadedPlugins());
        Assert.Empty(loader.GetLoadFailures());
    }

    [Fact]
    public async Task Plugins_EachGetTheirOwnVersionOfASharedDependency_AndTheHostsContract()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Plugins.SpecificPlugins.Add(TestPaths.TestPluginDll(Echo));
            s.Plugins.SpecificPlugins.Add(TestPaths.TestPluginDll(EchoV2));
            s.Backends.Add(new LlmBackendConfig { Name = "v1", Type = "OpenAI", CustomBackendType = "Echo" });
            s.Backends.Add(new LlmBackendConfig { Name = "v2", CustomBackendType = "EchoV2" });
        });

        var one = await host.Llm.ChatAsync(new ChatRequest { PreferredBackend = "v1", Messages = { new ChatMessage { Content = "hi" } } });
        var two = await host.Llm.ChatAsync(new ChatRequest { PreferredBackend = "v2", Messages = { new ChatMessage { Content = "hi" } } });

        Assert.Equal("Echo via isolation-dependency v1: hi", one.Content);
        Assert.Equal("EchoV2 via isolation-dependency v2: hi", two.Content);

        // The Echo folder holds its own copy of Mostlyucid.LlmBackend.dll; the host's must be the one in use.
        var echoPlugin = host.Loader.FindPluginForBackendType("Echo")!;
        var contract = echoPlugin.GetType().GetInterfaces().Single(i => i.Name == "ILlmBackendPlugin").Assembly;
        Assert.Same(typeof(Mostlyucid.LlmBackend.Interfaces.ILlmBackendPlugin).Assembly, contract);
        Assert.NotEqual(
            System.Runtime.Loader.AssemblyLoadContext.Default,
            System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(echoPlugin.GetType().Assembly));
    }

    [Fact]
    public void LoadPluginsFromDirectory_SkipsDependenciesAndContractCopies_AndRecursesOnlyWhenAsked()
    {
        using var temp = new TempDirectory();
        TestPaths.CopyTestPlugin(Echo, temp.Path);
        var (loader, logs) = NewLoader();

        var flat = loader.LoadPluginsFromDirectory(temp.Path);
        var recursive = loader.LoadPluginsFromDirectory(temp.Path, includeSubdirectories: true);

        Assert.Empty(flat);
        Assert.Equal("tests.echo", Assert.Single(recursive).PluginId);
        Assert.Empty(loader.GetLoadFailures());
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("TestPlugins.Isolation.Dependency.dll", StringComparison.Ordinal) && e.Message.Contains("does not reference Mostlyucid.LlmBackend", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("is the Mostlyucid.LlmBackend library itself", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadPluginsFromDirectory_Missing_LogsTheGuidesWarning()
    {
        var (loader, logs) = NewLoader();

        var loaded = loader.LoadPluginsFromDirectory("plugins-that-do-not-exist");

        Assert.Empty(loaded);
        var entry = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal("Plugin directory plugins-that-do-not-exist does not exist, skipping plugin loading", entry.Message);
    }

    [Fact]
    public void LoadPluginFromAssembly_MissingFile_LogsTheGuidesError()
    {
        var (loader, logs) = NewLoader();

        loader.LoadPluginFromAssembly("plugins/MyPlugin.dll");

        var entry = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.StartsWith("Failed to load plugin from plugins/MyPlugin.dll: the file does not exist", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPluginFromAssembly_FaultyPlugins_EachFailureIsLoggedAndNoneLoads()
    {
        var (loader, logs) = NewLoader();
        loader.LoadPluginFromAssembly(TestPaths.TestPluginDll(Echo));

        var loaded = loader.LoadPluginFromAssembly(TestPaths.TestPluginDll(Faulty));

        Assert.Empty(loaded);
        var reasons = loader.GetLoadFailures().Select(f => f.Reason).ToArray();
        Assert.Equal(4, reasons.Length);
        Assert.Contains(reasons, r => r.StartsWith("the constructor of TestPlugins.Faulty.ThrowingConstructorPlugin threw InvalidOperationException: constructor exploded on purpose", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("plugin tests.faulty.validation (TestPlugins.Faulty.FailingValidationPlugin) failed validation: its Validate() returned false", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("plugin id tests.echo is already loaded from ", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("plugin tests.faulty.typeconflict claims backend types another plugin provides: Echo (already provided by tests.echo", StringComparison.Ordinal));
        Assert.Equal(4, logs.Entries.Count(e => e.Level == LogLevel.Error && e.Message.StartsWith("Failed to load plugin from " + TestPaths.TestPluginDll(Faulty) + ": ", StringComparison.Ordinal)));
        Assert.Equal(new[] { "tests.echo" }, loader.GetLoadedPlugins().Select(p => p.PluginId));
    }

    [Fact]
    public void LoadPluginFromAssembly_AssemblyWithoutPlugin_SaysSo()
    {
        var (loader, _) = NewLoader();

        Assert.Empty(loader.LoadPluginFromAssembly(TestPaths.TestPluginDll(NotAPlugin)));

        Assert.StartsWith("it contains no public, non-abstract ILlmBackendPlugin implementation", Assert.Single(loader.GetLoadFailures()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPluginFromAssembly_NotADotNetAssembly_SaysSo()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("native.dll");
        File.WriteAllBytes(path, new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 1, 2, 3, 4 });
        var (loader, _) = NewLoader();

        Assert.Empty(loader.LoadPluginFromAssembly(path));

        Assert.Equal("it is not a .NET assembly", Assert.Single(loader.GetLoadFailures()).Reason);
    }

    [Fact]
    public void LoadPluginFromAssembly_DependencyOfAPlugin_SaysItIsNotAPlugin()
    {
        var (loader, _) = NewLoader();

        Assert.Empty(loader.LoadPluginFromAssembly(Path.Combine(TestPaths.TestPlugins, Echo, "TestPlugins.Isolation.Dependency.dll")));

        Assert.StartsWith("it does not reference Mostlyucid.LlmBackend", Assert.Single(loader.GetLoadFailures()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPluginFromAssembly_MissingDependency_NamesIt()
    {
        using var temp = new TempDirectory();
        var folder = TestPaths.CopyTestPlugin(Echo, temp.Path, except: "TestPlugins.Isolation.Dependency.dll");
        var (loader, _) = NewLoader();

        Assert.Empty(loader.LoadPluginFromAssembly(Path.Combine(folder, Echo + ".dll")));

        var reason = Assert.Single(loader.GetLoadFailures()).Reason;
        Assert.Contains("dependency TestPlugins.Isolation.Dependency", reason, StringComparison.Ordinal);
        Assert.Contains("is missing: copy the plugin's whole build output", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackendConstructorThrows_BackendIsFailedAndTheOthersStillAnswer()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Plugins.SpecificPlugins.Add(TestPaths.TestPluginDll(Echo));
            s.Backends.Add(new LlmBackendConfig { Name = "broken", CustomBackendType = "EchoThrowingBackend", Priority = 1 });
            s.Backends.Add(new LlmBackendConfig { Name = "fine", CustomBackendType = "Echo", Priority = 2 });
        });

        var answer = await host.Llm.ChatAsync(Ask("still here?"));

        Assert.True(answer.Success);
        Assert.Equal("fine", answer.BackendUsed);
        var broken = host.Llm.GetBackends().Single(b => b.Name == "broken");
        Assert.Equal(BackendStatus.Failed, broken.Status);
        Assert.Contains("EchoThrowingBackend always fails to construct", broken.StatusReason, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.StartsWith("Failed to create backend broken (type EchoThrowingBackend) with plugin tests.echo", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PluginsDisabled_LoadsNothingAutomatically()
    {
        using var temp = new TempDirectory();
        TestPaths.CopyTestPlugin(Echo, temp.Path);
        using var host = LlmTestHost.Create(s =>
        {
            s.Plugins.Enabled = false;
            s.Plugins.DiscoverReferencedAssemblies = true;
            s.Plugins.PluginDirectory = temp.Path;
            s.Plugins.IncludeSubdirectories = true;
            s.Plugins.SpecificPlugins.Add(TestPaths.TestPluginDll(EchoV2));
            s.Backends.Add(LlmTestHost.TestBackend("test"));
        });

        var answer = await host.Llm.ChatAsync(Ask("x"));

        Assert.True(answer.Success);
        Assert.Equal(new[] { "builtin", "tests.in-memory" }, host.Loader.GetLoadedPlugins().Select(p => p.PluginId));
        Assert.Contains("Plugins are disabled (LlmSettings:Plugins:Enabled is false); no plugins are loaded automatically", host.Logs.Messages());
    }

    [Fact]
    public async Task Method3_PluginLoadedProgrammaticallyLater_MakesItsWaitingBackendUsableWithoutRestart()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Plugins.AllowUnresolvedTypes = true;
            s.Backends.Add(new LlmBackendConfig { Name = "echo", Type = "OpenAI", CustomBackendType = "Echo" });
        });

        var before = await host.Llm.ChatAsync(Ask("hello"));
        Assert.False(before.Success);
        Assert.Equal(LlmErrorKind.NoBackendAvailable, before.Error!.Kind);
        Assert.Contains("'echo' is waiting for a plugin that provides backend type Echo", before.ErrorMessage, StringComparison.Ordinal);

        host.Loader.LoadPluginFromAssembly(TestPaths.TestPluginDll(Echo));
        var after = await host.Llm.ChatAsync(Ask("hello"));

        Assert.True(after.Success, after.ErrorMessage);
        Assert.Equal("Echo via isolation-dependency v1: hello", after.Content);
        Assert.Equal(BackendStatus.Ready, host.Llm.GetBackends().Single().Status);
    }

    [Fact]
    public async Task UnloadPlugin_PutsItsBackendsBackToWaiting_AndReloadingRestoresThem()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Plugins.SpecificPlugins.Add(TestPaths.TestPluginDll(Echo));
            s.Backends.Add(new LlmBackendConfig { Name = "echo", CustomBackendType = "Echo", Priority = 1 });
            s.Backends.Add(LlmTestHost.TestBackend("fallback", priority: 2));
        });
        Assert.Equal("echo", (await host.Llm.ChatAsync(Ask("a"))).BackendUsed);

        Assert.True(host.Loader.UnloadPlugin("tests.echo"));

        Assert.Equal(BackendStatus.WaitingForPlugin, host.Llm.GetBackends().Single(b => b.Name == "echo").Status);
        Assert.Equal("fallback", (await host.Llm.ChatAsync(Ask("b"))).BackendUsed);
        Assert.Null(host.Loader.FindPluginForBackendType("Echo"));

        host.Loader.LoadPluginFromAssembly(TestPaths.TestPluginDll(Echo));
        Assert.Equal("echo", (await host.Llm.ChatAsync(Ask("c"))).BackendUsed);
    }

    [Fact]
    public async Task ReferencedPluginAssemblies_AreDiscoveredWithoutConfiguration()
    {
        using var host = LlmTestHost.Create(s =>
        {
            s.Plugins.DiscoverReferencedAssemblies = true;
            s.Backends.Add(new LlmBackendConfig { Name = "ref", CustomBackendType = "Referenced" });
        });

        var answer = await host.Llm.ChatAsync(Ask("found me"));

        Assert.Equal("referenced: found me", answer.Content);
        Assert.StartsWith("reference:TestPlugins.Referenced", host.Loader.GetLoadedPlugins().Single(p => p.PluginId == "tests.referenced").Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadOnStartup_LoadsAtHostStart_OtherwiseOnFirstRequest()
    {
        foreach (var onStartup in new[] { true, false })
        {
            using var host = LlmTestHost.Create(s =>
            {
                s.Plugins.LoadOnStartup = onStartup;
                s.Plugins.SpecificPlugins.Add(TestPaths.TestPluginDll(Echo));
                s.Backends.Add(new LlmBackendConfig { Name = "echo", CustomBackendType = "Echo" });
            });
            var started = host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Single();

            await started.StartAsync(CancellationToken.None);
            var loadedAtStart = host.Loader.FindPluginForBackendType("Echo") is not null;
            await host.Llm.ChatAsync(Ask("x"));

            Assert.Equal(onStartup, loadedAtStart);
            Assert.NotNull(host.Loader.FindPluginForBackendType("Echo"));
        }
    }
}
