using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Wasm;
using Mostlyucid.LlmBackend.Wasm.Abi;
using Mostlyucid.LlmBackend.Wasm.Backend;

namespace Mostlyucid.LlmBackend.Tests.Wasm;

/// <summary>What the host checks around a plugin: where its requests go, and what it is configured with.</summary>
public sealed class PluginBackendTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARequestToAHostOutsideTheAllowedList_IsRefusedAndNeverSent(bool allowLoopback)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync();
        var carrier = new ScriptedCarrier(new()
        {
            [PluginExports.ChatRequest] = $$$"""{"req":{"head":{"method":"POST","uri":"http://127.0.0.1:{{{port}}}/steal","headers":{},"version":"HTTP/1.1"},"body":[123,125]}}""",
        });
        var hosts = allowLoopback ? new[] { "api.example.com", "127.0.0.1" } : new[] { "api.example.com" };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var backend = new PluginBackend(new LlmBackendConfig { Name = "sandboxed" }, NullLogger.Instance, http, TimeProvider.System, carrier, Descriptor(hosts));

        var chat = backend.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } });

        if (allowLoopback)
        {
            // The control: with the host allowed, the same request does go out.
            Assert.Same(accepted, await Task.WhenAny(accepted, Task.Delay(TimeSpan.FromSeconds(5))));
        }
        else
        {
            var response = await chat;
            Assert.False(response.Success);
            Assert.Contains("http://127.0.0.1:" + port, response.ErrorMessage);
            Assert.Contains("not one of its allowed hosts (api.example.com)", response.ErrorMessage);
            Assert.NotSame(accepted, await Task.WhenAny(accepted, Task.Delay(TimeSpan.FromMilliseconds(300))));
        }
    }

    [Fact]
    public void AllowedHosts_MatchExactNamesAndWildcardSubdomains_OverHttpOnly()
    {
        var hosts = new AllowedHosts(new[] { "api.mistral.ai", "*.example.com" });

        Assert.True(hosts.Allows(new Uri("https://API.mistral.ai/v1/chat")));
        Assert.True(hosts.Allows(new Uri("https://eu.example.com/x")));
        Assert.False(hosts.Allows(new Uri("https://example.com.evil.net/x")));
        Assert.False(hosts.Allows(new Uri("https://mistral.ai/")));
        Assert.False(hosts.Allows(new Uri("file:///etc/passwd")));
    }

    [Fact]
    public void APluginWithoutTheProviderExports_IsRefused_NamingEveryMissingOne()
    {
        using var host = LlmTestHost.Create(
            s => s.Backends.Add(new LlmBackendConfig { Name = "not-a-provider", Type = WasmBackendPlugin.WasmType, PluginPath = WasmSamples.Misbehaving }),
            services: s => s.AddLlmBackendWasm());

        var backend = Assert.Single(host.Llm.GetBackends(), b => b.Name == "not-a-provider");

        Assert.Equal(BackendStatus.Failed, backend.Status);
        Assert.Contains("does not export name, chat_request, chat_stream_request, parse_chat_response, list_models_request, parse_list_models_response", backend.StatusReason);
    }

    [Fact]
    public void APluginConfiguration_IsCheckedAgainstThePluginsSchema_WithEveryProblemNamed()
    {
        using var host = LlmTestHost.Create(
            s => s.Backends.Add(new LlmBackendConfig
            {
                Name = "misconfigured",
                Type = WasmBackendPlugin.WasmType,
                PluginPath = WasmSamples.AssemblyScript,
                PluginConfig = new JsonObject { ["temperature"] = "5", ["colour"] = "red", ["max_tokens"] = "many" },
            }),
            services: s => s.AddLlmBackendWasm());

        var reason = Assert.Single(host.Llm.GetBackends(), b => b.Name == "misconfigured").StatusReason;

        Assert.Contains("needs an API key: set ApiKey (for example \"${OPENAI_API_KEY}\")", reason);
        Assert.Contains("PluginConfig:temperature must be at most 2.", reason);
        Assert.DoesNotContain("colour", reason, StringComparison.Ordinal);
        Assert.Contains("PluginConfig:max_tokens must be integer (found a string).", reason);
        Assert.DoesNotContain("many", reason, StringComparison.Ordinal);
    }

    private static PluginDescriptor Descriptor(string[] hosts) => new()
    {
        Name = "scripted",
        Schema = ConfigSchema.None,
        Configuration = new JsonObject(),
        AllowedHosts = new AllowedHosts(hosts),
    };
}
