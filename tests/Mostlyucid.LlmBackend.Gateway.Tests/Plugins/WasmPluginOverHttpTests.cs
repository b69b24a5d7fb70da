using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using Mostlyucid.LlmBackend.FakeProvider;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Models;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Plugins;

/// <summary>
/// The sample WebAssembly plugins (AssemblyScript and C, built by samples/wasm/build.sh) as gateway backends, driven by
/// the official OpenAI SDK: chat, streaming and model listing go SDK → gateway → plugin-built request → upstream; and a
/// plugin backend that fails is failed over like any other.
/// </summary>
public sealed class WasmPluginOverHttpTests : IAsyncDisposable
{
    private FakeProviderServer? _upstream;
    private TestGateway? _gateway;

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("assemblyscript")]
    [InlineData("c")]
    public async Task ThePlugin_AnswersChatStreamsAndModels_ThroughTheGateway(string sample)
    {
        await StartAsync(sample);
        var chat = Client().GetChatClient("plugin");

        ChatCompletion completion = await chat.CompleteChatAsync(new SystemChatMessage("Be brief."), new UserChatMessage("héllo ✓"));
        var streamed = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync(new UserChatMessage("héllo ✓")))
        {
            streamed.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
        }

        var models = (await Client().GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToList();

        Assert.Equal("Echo from sample-model (system: Be brief.): héllo ✓", completion.Content[0].Text);
        Assert.Equal("sample-model", completion.Model);
        Assert.Equal("Echo from sample-model: héllo ✓", streamed.ToString());
        Assert.Contains("plugin", models);
    }

    [Fact]
    public async Task APluginBackendThatFails_IsFailedOver()
    {
        await StartAsync("assemblyscript", pluginFault: "status=503");
        var chat = Client().GetChatClient("both");

        ChatCompletion completion = await chat.CompleteChatAsync(new UserChatMessage("hello"));

        Assert.StartsWith("Mock answer from fallback", completion.Content[0].Text);
        Assert.Equal(1, _upstream!.Faults.Count("status=503"));
    }

    [Fact]
    public async Task ThePlugins_OfAQueryMtProvidersFile_AreServedByTheGateway()
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = "plugin-key", Models = { "sample-model" }, Format = "openai" });
        var file = Path.Combine(Path.GetTempPath(), $"llmb-providers-{Guid.NewGuid():N}.toml");
        await File.WriteAllTextAsync(file, $$"""
            [[providers]]
            name = "as-plugin"
            path = '{{SamplePath("assemblyscript")}}'
            config = { base_url = "{{_upstream.BaseUrl}}/v1", api_key = "plugin-key", model = "sample-model" }

            [[providers]]
            name = "c-plugin"
            path = '{{SamplePath("c")}}'
            config = { base_url = "{{_upstream.BaseUrl}}/v1", api_key = "plugin-key", model = "sample-model" }
            """);
        try
        {
            _gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
            {
                ["LlmSettings:Resilience:MaxRetries"] = "0",
                ["LlmSettings:Plugins:ProvidersFile"] = file,
            });

            foreach (var backend in new[] { "as-plugin", "c-plugin" })
            {
                ChatCompletion completion = await Client().GetChatClient(backend).CompleteChatAsync(new UserChatMessage("hello"));
                Assert.Equal("Echo from sample-model: hello", completion.Content[0].Text);
            }

            var models = (await Client().GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToList();
            Assert.Contains("as-plugin", models);
            Assert.Contains("c-plugin", models);

            // A providers file is the operator's own backends: the embedded defaults (and their Mock) are not added.
            Assert.DoesNotContain(models, m => m.Equals("mock", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string SamplePath(string sample)
    {
        var path = Path.Combine(NodeSdkTests.RepositoryRoot(), "samples", "wasm", sample, "build", "openai-compatible.wasm");
        Assert.True(File.Exists(path), $"{path} is missing: run bash samples/wasm/build.sh (scripts/test.sh does).");
        return path;
    }

    private OpenAIClient Client() =>
        new(new ApiKeyCredential("unused-on-loopback"), new OpenAIClientOptions { Endpoint = new Uri(_gateway!.BaseUrl + "/v1"), RetryPolicy = new ClientRetryPolicy(maxRetries: 0) });

    private async Task StartAsync(string sample, string? pluginFault = null)
    {
        _upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = "plugin-key", Models = { "sample-model" }, Format = "openai" });
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["LlmSettings:Resilience:MaxRetries"] = "0",
            ["LlmSettings:Backends:0:Name"] = "plugin",
            ["LlmSettings:Backends:0:Type"] = "Wasm",
            ["LlmSettings:Backends:0:PluginPath"] = SamplePath(sample),
            ["LlmSettings:Backends:0:BaseUrl"] = _upstream.BaseUrl + "/v1",
            ["LlmSettings:Backends:0:ApiKey"] = "plugin-key",
            ["LlmSettings:Backends:0:ModelName"] = "sample-model",
            ["LlmSettings:Backends:0:PluginConfig:temperature"] = "0.5",
            ["LlmSettings:Backends:0:Priority"] = "1",
            ["LlmSettings:Backends:1:Name"] = "fallback",
            ["LlmSettings:Backends:1:Type"] = "Mock",
            ["LlmSettings:Backends:1:Priority"] = "2",
            ["LlmSettings:Routes:0:Name"] = "both",
            ["LlmSettings:Routes:0:Backends:0"] = "plugin",
            ["LlmSettings:Routes:0:Backends:1"] = "fallback",
        };
        if (pluginFault is not null)
        {
            settings["LlmSettings:Backends:0:Headers:x-fake-fault"] = pluginFault;
        }

        _gateway = await TestGateway.StartAsync(settings);
    }
}
