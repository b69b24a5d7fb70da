using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Tests.TestSupport;
using Mostlyucid.LlmBackend.Tokens;

namespace Mostlyucid.LlmBackend.Tests.Tokens;

/// <summary>The library's token counting over real providers (the fake server): exact through Anthropic, estimated otherwise.</summary>
public sealed class TokenCounterTests : IAsyncLifetime
{
    private FakeProviderServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await FakeProviderServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private LlmTestHost Host() => LlmTestHost.Create(settings =>
    {
        settings.Backends.Add(new LlmBackendConfig { Name = "claude", Type = "Anthropic", BaseUrl = _server.BaseUrl, ApiKey = "k", ModelName = "claude-fake", MaxInputTokens = 200_000 });
        settings.Backends.Add(new LlmBackendConfig { Name = "gpt", Type = "OpenAI", BaseUrl = _server.BaseUrl + "/v1", ApiKey = "k", ModelName = "gpt-4o-mini", Priority = 200 });
    });

    private static ChatRequest Question(string model) => new() { Model = model, Messages = { new ChatMessage { Content = "one two three four" } } };

    [Fact]
    public async Task CountAsync_AnAnthropicBackend_CountsExactly()
    {
        using var host = Host();
        var count = await host.Services.GetRequiredService<ITokenCounter>().CountAsync(Question("claude-fake"), TestContext.Current.CancellationToken);

        Assert.False(count.IsEstimate);
        Assert.Equal(4, count.InputTokens);
        Assert.Null(count.Tokenizer);
        Assert.Equal("claude", count.BackendName);
        Assert.Equal(200_000, count.ContextWindow);
        Assert.True(count.Fits(4096));
        Assert.Contains(_server.Requests, r => r.Path == "/v1/messages/count_tokens");
    }

    [Fact]
    public async Task CountAsync_AnotherBackend_EstimatesWithItsModelsTokenizer_AndKnowsTheCatalogsWindow()
    {
        using var host = Host();
        var count = await host.Services.GetRequiredService<ITokenCounter>().CountAsync(Question("gpt-4o-mini"), TestContext.Current.CancellationToken);

        Assert.True(count.IsEstimate);
        Assert.Equal(TokenEstimator.O200kBase, count.Tokenizer);
        Assert.Equal("gpt", count.BackendName);
        Assert.Equal(TokenEstimator.CountChat(Question("gpt-4o-mini")), count.InputTokens);
        Assert.NotNull(count.ContextWindow);
        Assert.DoesNotContain(_server.Requests, r => r.Path.Contains("count_tokens", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CountAsync_AnthropicFailing_FallsBackToAnEstimate_AndWarns()
    {
        using var host = Host();
        _server.ForcedStatus = 503;
        var count = await host.Services.GetRequiredService<ITokenCounter>().CountAsync(Question("claude-fake"), TestContext.Current.CancellationToken);

        Assert.True(count.IsEstimate);
        Assert.Equal("claude", count.BackendName);
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.EventId.Id == 7101 && e.Message.Contains("claude", StringComparison.Ordinal));
    }
}
