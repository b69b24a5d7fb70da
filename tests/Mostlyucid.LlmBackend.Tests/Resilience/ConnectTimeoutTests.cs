using System.Diagnostics;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Resilience;

/// <summary>Connect timeouts on the real clock: a backend whose host never completes the TCP handshake is left after its own limit.</summary>
public sealed class ConnectTimeoutTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HostThatNeverAccepts_FailsOverAfterTheBackendsConnectTimeout(bool perBackend)
    {
        using var hanging = await FullBacklogListener.StartAsync();
        await using var upstream = await FakeProviderServer.StartAsync();
        using var host = LlmTestHost.Create(s =>
        {
            s.TimeoutSeconds = 30;
            s.Resilience.ConnectTimeoutSeconds = perBackend ? 20 : 1;
            s.Backends.Add(new LlmBackendConfig
            {
                Name = "unreachable", Type = "OpenAICompatible", BaseUrl = hanging.BaseUrl + "/v1", ModelName = "gpt-fake", Priority = 1,
                ConnectTimeoutSeconds = perBackend ? 1 : null,
            });
            s.Backends.Add(new LlmBackendConfig { Name = "reachable", Type = "OpenAICompatible", BaseUrl = upstream.BaseUrl + "/v1", ModelName = "gpt-fake", Priority = 2 });
        });
        var watch = Stopwatch.StartNew();

        var response = await host.Llm.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hello" } } });

        Assert.True(response.Success, response.ErrorMessage);
        Assert.Equal("reachable", response.BackendUsed);
        var failed = Assert.Single(response.Attempts, a => a.BackendName == "unreachable");
        Assert.Equal(LlmErrorKind.Timeout, failed.Error!.Kind);
        Assert.Contains("took longer than the connect timeout of 1 s (ConnectTimeoutSeconds)", failed.Error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"took {watch.Elapsed}");
    }
}
