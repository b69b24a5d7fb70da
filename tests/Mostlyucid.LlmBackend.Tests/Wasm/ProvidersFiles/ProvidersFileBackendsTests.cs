using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Wasm;

namespace Mostlyucid.LlmBackend.Tests.Wasm.ProvidersFiles;

/// <summary>
/// Backends of a providers file are ordinary backends: routed by priority, failed over, checked at start-up together with
/// the rest of the settings, their configuration checked against the plugin's schema.
/// </summary>
public sealed class ProvidersFileBackendsTests : IAsyncLifetime
{
    private const string Key = "providers-file-key";
    private readonly TempDirectory _directory = new();
    private FakeProviderServer _upstream = null!;

    public async ValueTask InitializeAsync() =>
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = Key, Models = { "sample-model" }, Format = "openai" });

    public async ValueTask DisposeAsync()
    {
        await _upstream.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task ItsPlugins_AreRoutedByPriority_AndFailedOverLikeAnyBackend()
    {
        // The key comes from the environment, as ${NAME} in the file (a variable only this test sets).
        var variable = "LLMB_PROVIDERS_FILE_TEST_KEY_" + Environment.ProcessId;
        Environment.SetEnvironmentVariable(variable, Key);
        var file = Write("providers.toml", $$"""
            [[providers]]
            name = "unreachable-wasm"
            path = '{{WasmSamples.CWasm}}'
            priority = 1
            config = { base_url = "http://127.0.0.1:{{ClosedPort()}}/v1", api_key = "${{{variable}}}", model = "sample-model" }

            [[providers]]
            name = "native"
            path = '{{WasmSamples.CNative}}'
            priority = 2
            [providers.config]
            base_url = "{{_upstream.BaseUrl}}/v1"
            api_key = "${{{variable}}}"
            model = "sample-model"
            """);
        using var host = LlmTestHost.Create(s => s.Plugins.ProvidersFile = file, services: s => s.AddLlmBackendWasm());

        var response = await host.Llm.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hello" } } });

        Assert.True(response.Success, response.ErrorMessage);
        Assert.Equal("Echo from sample-model: hello", response.Content);
        Assert.Equal("native", response.BackendUsed);
        Assert.Equal(new[] { "unreachable-wasm", "native" }, response.Attempts.Select(a => a.BackendName));
        Assert.All(host.Llm.GetBackends().Where(b => b.Name != "test"), b => Assert.Equal(BackendStatus.Ready, b.Status));
    }

    [Fact]
    public void ItsProblems_AreReportedAtStartUp_WithThoseOfTheSettings_AndDuplicateNamesNamedInBothPlaces()
    {
        var file = Write("providers.yaml", $"""
            providers:
              - name: shared-name
                path: '{WasmSamples.CNative}'
              - name: no-path
            """);
        using var host = LlmTestHost.Create(
            s =>
            {
                s.Plugins.ProvidersFile = file;
                s.Backends.Add(new LlmBackendConfig { Name = "shared-name", Type = "Mock" });
                s.TimeoutSeconds = 0;
            },
            services: s => s.AddLlmBackendWasm());

        var error = Assert.Throws<LlmConfigurationException>(() => host.Llm.GetBackends());
        var again = Assert.Throws<LlmConfigurationException>(() => host.Llm.GetBackends());

        Assert.Equal(error.Problems, again.Problems);
        Assert.Contains($"{file}: providers[1]: 'path' is required.", error.Problems);
        Assert.Contains("LlmSettings:TimeoutSeconds: must be greater than 0 (found 0).", error.Problems);
        Assert.Contains($"{file}: providers[0]:Name: 'shared-name' is also the name of LlmSettings:Backends:0; backend names must be unique.", error.Problems);
    }

    [Fact]
    public void ItsPluginConfiguration_IsCheckedAgainstThePluginsSchema()
    {
        var file = Write("providers.json", $$"""
            { "providers": [ { "name": "too-hot", "path": {{System.Text.Json.JsonSerializer.Serialize(WasmSamples.CNative)}},
                "config": { "base_url": "{{_upstream.BaseUrl}}/v1", "api_key": "k", "temperature": 5, "colour": "red" } } ] }
            """);
        using var host = LlmTestHost.Create(s => s.Plugins.ProvidersFile = file, services: s => s.AddLlmBackendWasm());

        var backend = Assert.Single(host.Llm.GetBackends(), b => b.Name == "too-hot");

        Assert.Equal(BackendStatus.Failed, backend.Status);
        Assert.Contains("PluginConfig:temperature must be at most 2.", backend.StatusReason);
        Assert.DoesNotContain("colour", backend.StatusReason);
    }

    [Fact]
    public async Task AFileWrittenForQueryMt_WithAllowedHostsInsideConfig_AndKeysThePluginLacks_Serves()
    {
        // QueryMT reads allowed_hosts from inside the provider's config and drops keys the plugin's schema does not know.
        var file = Write("providers.toml", $$"""
            [[providers]]
            name = "querymt-style"
            path = {{System.Text.Json.JsonSerializer.Serialize(WasmSamples.CWasm)}}

            [providers.config]
            base_url = "{{_upstream.BaseUrl}}/v1"
            api_key = "{{Key}}"
            model = "sample-model"
            allowed_hosts = ["127.0.0.1", "api.example.com"]
            reasoning_effort_for_another_plugin = "high"
            """);
        using var host = LlmTestHost.Create(s => s.Plugins.ProvidersFile = file, services: s => s.AddLlmBackendWasm());

        var backend = Assert.Single(host.Llm.GetBackends(), b => b.Name == "querymt-style");
        Assert.Equal(BackendStatus.Ready, backend.Status);
        var answer = await host.Llm.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Role = ChatRole.User, Content = "Hi" } } });

        Assert.True(answer.Success, answer.ErrorMessage);
        Assert.Equal("querymt-style", answer.BackendUsed);
        Assert.Contains(host.Logs.Messages(LogLevel.Warning), l => l.Contains("reasoning_effort_for_another_plugin", StringComparison.Ordinal) && l.Contains("dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutTheWasmPackage_AProvidersFileIsAConfigurationError_SayingWhatToAdd()
    {
        var file = Write("providers.toml", "providers = []");
        using var host = LlmTestHost.Create(s => s.Plugins.ProvidersFile = file);

        var error = Assert.Throws<LlmConfigurationException>(() => host.Llm.GetBackends());

        Assert.Contains(error.Problems, p => p.Contains("no providers file reader is registered: add the mostlylucid.llmbackend.wasm package and call services.AddLlmBackendWasm()", StringComparison.Ordinal));
    }

    private string Write(string name, string content)
    {
        var path = _directory.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
