using Mostlyucid.LlmBackend.FakeProvider;

namespace Mostlyucid.LlmBackend.Gateway.Tests.Security;

/// <summary>
/// The gateway in its default mode — no API keys, loopback only — in front of the fake provider (model <c>gpt-fake</c>),
/// with one page origin allowed (<see cref="AllowedOrigin"/>).
/// </summary>
public sealed class KeylessGatewayFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "http://localhost:3000";

    private TestGateway? _gateway;

    public FakeProviderServer Upstream { get; private set; } = null!;

    public string BaseUrl => _gateway!.BaseUrl;

    public async ValueTask InitializeAsync()
    {
        Upstream = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = "keyless-upstream-key" });
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:AllowedOrigins:0"] = AllowedOrigin,
            ["LlmSettings:Backends:0:Name"] = "upstream",
            ["LlmSettings:Backends:0:Type"] = "OpenAI",
            ["LlmSettings:Backends:0:BaseUrl"] = Upstream.BaseUrl + "/v1",
            ["LlmSettings:Backends:0:ApiKey"] = "keyless-upstream-key",
            ["LlmSettings:Backends:0:ModelName"] = "gpt-fake",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await Upstream.DisposeAsync();
    }
}
