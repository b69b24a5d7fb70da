using System.Text.Json;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.Ollama;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.Ollama;

/// <summary>The built-in Ollama provider against the fake provider on real HTTP, for what the conformance suite leaves out.</summary>
public sealed class OllamaBackendTests : IAsyncLifetime
{
    private FakeProviderServer _server = null!;

    public async ValueTask InitializeAsync() =>
        _server = await FakeProviderServer.StartAsync(new FakeProviderOptions { Format = "ollama", Models = { "llama3.2", "qwen3-reasoning" } });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private LlmTestHost Host(string model = "llama3.2") => LlmTestHost.Create(s =>
        s.Backends.Add(new LlmBackendConfig { Name = "ollama", Type = "Ollama", BaseUrl = _server.BaseUrl, ModelName = model }));

    [Fact]
    public async Task ChatAsync_WithoutAKey_SendsNoAuthorization_AndSaysStreamFalse()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(new LlmBackendConfig
        {
            Name = "ollama", Type = "Ollama", BaseUrl = _server.BaseUrl, ModelName = "llama3.2", Temperature = 0.9, MaxOutputTokens = 77,
        }));

        var answer = await host.Llm.CompleteAsync(new LlmRequest { Prompt = "p", SystemPrompt = "s" });

        Assert.True(answer.Success, answer.ErrorMessage);
        var request = Assert.Single(_server.Requests);
        Assert.Equal(("POST", "/api/chat"), (request.Method, request.Path));
        Assert.False(request.Headers.ContainsKey("Authorization"));
        WireFormat.AssertSameJson(
            """{"model":"llama3.2","messages":[{"role":"system","content":"s"},{"role":"user","content":"p"}],"options":{"temperature":0.9,"num_predict":77},"stream":false}""",
            request.Body);
    }

    [Fact]
    public async Task ThinkingModel_ReasoningArrives_StreamedAndNot()
    {
        using var host = Host("qwen3-reasoning");
        var request = new ChatRequest { Messages = { new ChatMessage { Content = "why?" } }, ThinkingBudgetTokens = 1024 };

        var whole = await host.Llm.ChatAsync(request);
        var accumulator = new ChatStreamAccumulator();
        await foreach (var update in host.Llm.StreamChatAsync(request))
        {
            accumulator.Add(update);
        }

        Assert.Equal("Let me think about why?.", whole.Reasoning);
        Assert.Equal(whole.Reasoning, accumulator.ToResponse().Reasoning);
        Assert.Equal(whole.Content, accumulator.ToResponse().Content);
        Assert.All(_server.Conversations, c => Assert.True(c.Body!["think"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task JsonOutput_IsAskedForWithFormat()
    {
        using var host = Host();
        var json = new ChatRequest { Messages = { new ChatMessage { Content = "a" } }, ResponseFormat = ResponseFormat.Json() };
        var schema = new ChatRequest { Messages = { new ChatMessage { Content = "b" } }, ResponseFormat = ResponseFormat.ForSchema("s", JsonDocument.Parse("""{"type":"object"}""").RootElement) };

        await host.Llm.ChatAsync(json);
        await host.Llm.ChatAsync(schema);

        var formats = _server.Conversations.Select(c => c.Body!["format"]!.ToJsonString()).ToArray();
        Assert.Equal(new[] { "\"json\"", """{"type":"object"}""" }, formats);
    }

    [Fact]
    public async Task UnknownModel_IsNotFound_WithOllamasAdvice()
    {
        _server.Options.RejectUnknownModels = true;
        using var host = Host("llama9");

        var answer = await host.Llm.ChatAsync(new ChatRequest { Messages = { new ChatMessage { Content = "hi" } } });

        Assert.Equal(LlmErrorKind.NotFound, answer.Error!.Kind);
        Assert.Equal("Backend 'ollama' answered HTTP 404: model \"llama9\" not found, try pulling it first", answer.ErrorMessage);
    }

    [Fact]
    public async Task NoBaseUrl_IsValid_AndMeansTheLocalOllama()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(new LlmBackendConfig { Name = "ollama", Type = "Ollama", ModelName = "llama3.2" }));

        var backend = Assert.Single(host.Llm.GetBackends());

        Assert.Equal(("ollama", "Ollama", BackendStatus.Ready), (backend.Name, backend.BackendType, backend.Status));
        Assert.Equal("http://localhost:11434/api/", OllamaBackend.ApiRoot(OllamaBackend.DefaultBaseUrl).ToString());
    }
}
