using Mostlyucid.LlmBackend.FakeProvider;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Plugins;

/// <summary>
/// The gateway in front of the fake provider, with the three sample plugins (AssemblyScript Wasm, C Wasm, C native) as
/// backends. Each sample has one backend per behaviour, named <c>{sample}</c> (model <c>sample-model</c>, embeddings
/// <c>embed-fake</c>), <c>{sample}-parallel</c> (two tool calls at once) and <c>{sample}-error-429</c>,
/// <c>{sample}-error-503</c>, <c>{sample}-context-too-long</c>, <c>{sample}-content-filtered</c> (the fake provider fails
/// by model name). Clients address a backend by its name.
/// </summary>
public sealed class PluginGatewayFixture : IAsyncLifetime
{
    public const string Key = "plugin-gateway-key-0123456789";
    private const string UpstreamKey = "plugin-upstream-key";
    private static readonly string[] Behaviours = { "parallel", "error-429", "error-503", "context-too-long", "content-filtered" };

    private TestGateway? _gateway;

    /// <summary>Gets the samples: the AssemblyScript Wasm plugin, the C Wasm plugin and the C native library.</summary>
    public static IReadOnlyList<string> SampleNames { get; } = new[] { "assemblyscript", "c", "native" };

    public static TheoryData<string> Samples => new(SampleNames);

    public FakeProviderServer Upstream { get; private set; } = null!;

    public string BaseUrl { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        Upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = UpstreamKey, Format = "openai" });
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Gateway:ApiKeys:0:Name"] = "tests",
            ["Gateway:ApiKeys:0:Key"] = Key,
            ["LlmSettings:Resilience:MaxRetries"] = "0",
            ["LlmSettings:Resilience:CircuitBreaker:Enabled"] = "false",
            ["LlmSettings:Sandbox:InstancesPerPlugin"] = "2",
        };
        var index = 0;
        foreach (var sample in SampleNames)
        {
            Add(settings, index++, sample, sample, "sample-model");
            settings[$"LlmSettings:Backends:{index - 1}:EmbeddingModelName"] = "embed-fake";
            foreach (var behaviour in Behaviours)
            {
                Add(settings, index++, $"{sample}-{behaviour}", sample, behaviour == "parallel" ? "parallel-gpt" : behaviour);
            }
        }

        _gateway = await TestGateway.StartAsync(settings);
        BaseUrl = _gateway.BaseUrl;
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await Upstream.DisposeAsync();
    }

    private void Add(Dictionary<string, string?> settings, int index, string name, string sample, string model)
    {
        var prefix = $"LlmSettings:Backends:{index}:";
        settings[prefix + "Name"] = name;
        settings[prefix + "Type"] = sample == "native" ? "Native" : "Wasm";
        settings[prefix + "PluginPath"] = PluginPath(sample);
        settings[prefix + "BaseUrl"] = Upstream.BaseUrl + "/v1";
        settings[prefix + "ApiKey"] = UpstreamKey;
        settings[prefix + "ModelName"] = model;
        settings[prefix + "Priority"] = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string PluginPath(string sample)
    {
        var relative = sample switch
        {
            "assemblyscript" => Path.Combine("samples", "wasm", "assemblyscript", "build", "openai-compatible.wasm"),
            "c" => Path.Combine("samples", "wasm", "c", "build", "openai-compatible.wasm"),
            _ => Path.Combine("samples", "wasm", "c", "build", "libopenai_compatible.so"),
        };
        var path = Path.Combine(NodeSdkTests.RepositoryRoot(), relative);
        Assert.True(File.Exists(path), $"{path} is missing: run bash samples/wasm/build.sh (scripts/test.sh does).");
        return path;
    }
}
