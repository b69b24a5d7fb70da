using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.FakeProvider;
using Mostlyucid.LlmBackend.Models;
using Mostlyucid.LlmBackend.Providers.OpenAI;
using Mostlyucid.LlmBackend.Tests.TestSupport;

namespace Mostlyucid.LlmBackend.Tests.Providers.OpenAI;

/// <summary>The built-in OpenAI provider against the fake provider on real HTTP.</summary>
public sealed class OpenAiBackendTests : IAsyncLifetime
{
    private FakeProviderServer _server = null!;

    public async ValueTask InitializeAsync() =>
        _server = await FakeProviderServer.StartAsync(new FakeProviderOptions { RequiredApiKey = "sk-test", Models = { "gpt-test" } });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private LlmTestHost Host(string model = "gpt-test", string apiKey = "sk-test", string? baseUrl = null) => LlmTestHost.Create(s =>
        s.Backends.Add(new LlmBackendConfig { Name = "openai", Type = "OpenAICompatible", BaseUrl = baseUrl ?? _server.BaseUrl + "/v1", ApiKey = apiKey, ModelName = model }));

    private static ChatRequest Conversation() => new()
    {
        Temperature = 0.2,
        MaxTokens = 50,
        Messages =
        {
            new ChatMessage { Role = "system", Content = "Be brief." },
            new ChatMessage { Role = "User", Content = "Hi there" },
        },
    };

    [Fact]
    public async Task ChatAsync_SendsTheDocumentedRequestShape()
    {
        using var host = Host();

        await host.Llm.ChatAsync(Conversation());

        var request = Assert.Single(_server.ChatRequests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-test", request.Headers["Authorization"]);
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal(
            """{"model":"gpt-test","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi there"}],"temperature":0.2,"max_tokens":50,"stream":false}""",
            request.Body);
    }

    [Fact]
    public async Task ChatAsync_ReadsAnswerModelUsageAndFinishReason()
    {
        using var host = Host();

        var answer = await host.Llm.ChatAsync(Conversation());

        Assert.True(answer.Success, answer.ErrorMessage);
        Assert.Equal("Echo from gpt-test (system: Be brief.): Hi there", answer.Content);
        Assert.Equal("gpt-test", answer.ModelUsed);
        Assert.Equal("openai", answer.BackendUsed);
        Assert.Equal("stop", answer.FinishReason);
        Assert.Equal(4, answer.PromptTokens);
        Assert.Equal(8, answer.CompletionTokens);
        Assert.Equal(12, answer.TotalTokens);
    }

    [Fact]
    public async Task ChatAsync_ConfiguredDefaults_FillWhatTheRequestLeavesOut()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(new LlmBackendConfig
        {
            Name = "openai", Type = "OpenAICompatible", BaseUrl = _server.BaseUrl, ApiKey = "sk-test", ModelName = "gpt-test",
            Temperature = 0.9, MaxOutputTokens = 77, Headers = { ["X-Team"] = "search" },
        }));

        await host.Llm.CompleteAsync(new LlmRequest { Prompt = "p", SystemPrompt = "s", Model = "other-model" });

        var request = Assert.Single(_server.ChatRequests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("search", request.Headers["X-Team"]);
        Assert.Equal("""{"model":"other-model","messages":[{"role":"system","content":"s"},{"role":"user","content":"p"}],"temperature":0.9,"max_tokens":77,"stream":false}""", request.Body);
    }

    [Theory]
    [InlineData("https://api.openai.com", "https://api.openai.com/v1/")]
    [InlineData("https://api.openai.com/v1", "https://api.openai.com/v1/")]
    [InlineData("https://openrouter.ai/api/v1/", "https://openrouter.ai/api/v1/")]
    [InlineData("https://api.groq.com/openai/v1?x=1", "https://api.groq.com/openai/v1/")]
    public void ApiRoot_KeepsAVersionPathAndAddsV1ToABareHost(string baseUrl, string expected) =>
        Assert.Equal(expected, OpenAiBackend.ApiRoot(baseUrl).ToString());

    [Theory]
    [InlineData("gpt-test", "sk-wrong", LlmErrorKind.Unauthorized, 401, "invalid_api_key")]
    [InlineData("error-503", "sk-test", LlmErrorKind.ServerError, 503, null)]
    [InlineData("error-400", "sk-test", LlmErrorKind.InvalidRequest, 400, "invalid_request_error")]
    [InlineData("context-too-long", "sk-test", LlmErrorKind.ContextLengthExceeded, 400, "context_length_exceeded")]
    [InlineData("content-filtered", "sk-test", LlmErrorKind.ContentFiltered, 400, "content_filter")]
    public async Task ChatAsync_ErrorStatus_IsMappedToATypedError(string model, string key, LlmErrorKind kind, int status, string? code)
    {
        using var host = Host(model, key);

        var answer = await host.Llm.ChatAsync(Conversation());

        Assert.False(answer.Success);
        Assert.Equal(kind, answer.Error!.Kind);
        Assert.Equal(status, answer.Error.StatusCode);
        if (code is not null)
        {
            Assert.Equal(code, answer.Error.ProviderCode);
        }

        Assert.StartsWith($"Backend 'openai' answered HTTP {status}: ", answer.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(key, answer.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatAsync_UnknownModel_IsNotFound()
    {
        _server.Options.RejectUnknownModels = true;
        using var host = Host("gpt-unknown");

        var answer = await host.Llm.ChatAsync(Conversation());

        Assert.Equal(LlmErrorKind.NotFound, answer.Error!.Kind);
        Assert.Equal("model_not_found", answer.Error.ProviderCode);
    }

    [Fact]
    public async Task ChatAsync_RateLimited_KeepsRetryAfter()
    {
        using var host = Host("error-429");

        var answer = await host.Llm.ChatAsync(Conversation());

        Assert.Equal(LlmErrorKind.RateLimited, answer.Error!.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), answer.Error.RetryAfter);
    }

    [Fact]
    public async Task ChatAsync_BodyThatIsNotJson_IsAnInvalidResponse()
    {
        using var host = Host("garbage-response");

        var answer = await host.Llm.ChatAsync(Conversation());

        Assert.Equal(LlmErrorKind.InvalidResponse, answer.Error!.Kind);
        Assert.StartsWith("Backend 'openai' returned an answer that cannot be used: the body is not the expected JSON", answer.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatAsync_NobodyListening_IsUnreachable_SoItFailsOverWithoutRetrying()
    {
        using var host = Host(baseUrl: "http://127.0.0.1:9/v1");

        var answer = await host.Llm.ChatAsync(Conversation());

        Assert.Equal(LlmErrorKind.Unreachable, answer.Error!.Kind);
        Assert.StartsWith("Backend 'openai' could not reach http://127.0.0.1:9", answer.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatAsync_NoModelAnywhere_SaysWhereToSetOne()
    {
        using var host = LlmTestHost.Create(s => s.Backends.Add(new LlmBackendConfig { Name = "openai", Type = "OpenAICompatible", BaseUrl = _server.BaseUrl }));

        var answer = await host.Llm.ChatAsync(Conversation());

        Assert.Equal(LlmErrorKind.InvalidRequest, answer.Error!.Kind);
        Assert.Empty(_server.ChatRequests);
    }

    [Fact]
    public async Task CheckAvailability_ListsModelsWithoutABillableCall()
    {
        using var good = Host();
        using var bad = Host(apiKey: "sk-wrong");

        Assert.True((await good.Llm.CheckAvailabilityAsync())["openai"]);
        Assert.False((await bad.Llm.CheckAvailabilityAsync())["openai"]);
        Assert.Empty(_server.ChatRequests);
        Assert.All(_server.Requests, r => Assert.Equal("/v1/models", r.Path));
    }
}
